package org.vitalbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Routing rules: placeholders, wildcards, fixed templates, first match wins, never a throw. */
class TopicRulesTest {
  static final List<String> RULES =
      List.of(
          "devices/{device}/{template}",
          "vendor/acme/+/vitals -> acme-bedside",
          "site/{device}/# -> nova-wearable",
          "$vb/{template}/{device}");
  static final TopicRules ROUTER = TopicRules.parse(RULES);

  @Test
  void placeholdersCaptureDeviceAndTemplate() {
    assertThat(ROUTER.route("devices/ACME-0042/acme-bedside"))
        .contains(new Route("acme-bedside", "ACME-0042", RULES.get(0)));
  }

  @Test
  void aFixedTemplateRuleRoutesWithoutADevice() {
    assertThat(ROUTER.route("vendor/acme/bed-7/vitals"))
        .contains(new Route("acme-bedside", null, "vendor/acme/+/vitals -> acme-bedside"));
    assertThat(ROUTER.route("vendor/acme/bed-7/other")).isEmpty();
    assertThat(ROUTER.route("vendor/acme/vitals")).isEmpty();
  }

  @Test
  void hashMatchesTheRestAndTheParentLevel() {
    assertThat(ROUTER.route("site/W-1/a/b/c")).map(Route::device).contains("W-1");
    assertThat(ROUTER.route("site/W-1")).map(Route::template).contains("nova-wearable");
    assertThat(ROUTER.route("site")).isEmpty();
  }

  @Test
  void firstMatchWins() {
    TopicRules rules = TopicRules.parse(List.of("a/+ -> first", "a/{template}"));
    assertThat(rules.route("a/x")).map(Route::template).contains("first");
  }

  @Test
  void placeholdersNeverCaptureAnEmptyLevel() {
    assertThat(ROUTER.route("devices//acme-bedside")).isEmpty();
    assertThat(ROUTER.route("devices/ACME-1/")).isEmpty();
  }

  @Test
  void topicsWithWildcardsOrTooManyLevelsAreNotRouted() {
    assertThat(ROUTER.route("devices/+/acme-bedside")).isEmpty();
    assertThat(ROUTER.route("devices/#")).isEmpty();
    assertThat(ROUTER.route("devices/A/acme-bedside/extra")).isEmpty();
    assertThat(ROUTER.route("")).isEmpty();
    assertThat(ROUTER.route(null)).isEmpty();
  }

  @Test
  void dollarTopicsAreOnlyMatchedByALiteralFirstLevel() {
    TopicRules wildcardFirst = TopicRules.parse(List.of("+/{device}/{template}", "# -> any"));
    assertThat(wildcardFirst.route("$SYS/broker/load")).isEmpty();
    assertThat(ROUTER.route("$vb/acme-bedside/D1")).map(Route::device).contains("D1");
  }

  @Test
  void filtersTurnPlaceholdersIntoSingleLevelWildcards() {
    assertThat(ROUTER.filters())
        .containsExactly("devices/+/+", "vendor/acme/+/vitals", "site/+/#", "$vb/+/+");
  }

  @Test
  void badRulesAreReportedEachWithItsIndex() {
    List<String> errors =
        TopicRules.errors(
            List.of(
                "devices/{device}/{template}",
                "devices/{device}",
                "a/{template} -> twice",
                "a/#/b -> t",
                "a/b+ -> t",
                "a/{serial}/{template}",
                "a/{device}/{device} -> t",
                "a/b ->  ",
                ""));
    assertThat(errors).hasSize(8);
    assertThat(errors.get(0)).startsWith("mqtt.topics[1]").contains("must capture {template}");
    assertThat(errors.get(1)).startsWith("mqtt.topics[2]").contains("twice");
    assertThat(errors.get(2)).startsWith("mqtt.topics[3]").contains("'#' must be the last");
    assertThat(errors.get(3)).startsWith("mqtt.topics[4]").contains("whole level");
    assertThat(errors.get(4)).startsWith("mqtt.topics[5]").contains("unknown placeholder");
    assertThat(errors.get(5)).startsWith("mqtt.topics[6]").contains("appears twice");
    assertThat(errors.get(6)).startsWith("mqtt.topics[7]").contains("one template");
    assertThat(errors.get(7)).startsWith("mqtt.topics[8]").contains("empty");
    assertThatThrownBy(() -> TopicRules.parse(List.of("x/y")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void presenceTopicsCaptureTheDevice() {
    PresenceTopic p = PresenceTopic.parse("devices/{device}/status");
    assertThat(p.device("devices/D1/status")).contains("D1");
    assertThat(p.device("devices/D1/acme-bedside")).isEmpty();
    assertThat(p.filter()).isEqualTo("devices/+/status");
    assertThat(PresenceTopic.errors("devices/status"))
        .singleElement()
        .asString()
        .contains("must capture {device}");
    assertThat(PresenceTopic.errors("devices/{device}/{template}"))
        .singleElement()
        .asString()
        .contains("cannot capture {template}");
    assertThat(PresenceTopic.state(Fixtures.json(" Online\n"))).contains(true);
    assertThat(PresenceTopic.state(Fixtures.json("offline"))).contains(false);
    assertThat(PresenceTopic.state(Fixtures.json("{}"))).isEmpty();
  }

  // --- properties ---------------------------------------------------------------------------

  /** Topic strings from pieces that matter to the matcher (separators, wildcards, $, empties). */
  @Provide
  Arbitrary<String> topics() {
    Arbitrary<String> piece =
        Arbitraries.oneOf(
            Arbitraries.of(
                "/",
                "/",
                "/",
                "+",
                "#",
                "$",
                "devices",
                "vendor",
                "acme",
                "vitals",
                "site",
                "$vb",
                "{device}",
                "",
                " ",
                "\0",
                "é",
                "->"),
            Arbitraries.strings().ofMaxLength(6));
    return piece.list().ofMaxSize(12).map(l -> String.join("", l));
  }

  @Property(tries = 3000)
  void routingNeverThrowsAndAgreesWithAnIndependentRegexOracle(@ForAll("topics") String topic) {
    Optional<Route> route = ROUTER.route(topic);
    Optional<Route> expected = oracle(topic);
    assertThat(route).isEqualTo(expected);
  }

  /** Topics built from a rule's own shape always route, with exactly the levels they were given. */
  @Property(tries = 1000)
  void everyWellFormedDeviceTopicRoutesToItsLevels(
      @ForAll("levels") String device, @ForAll("levels") String template) {
    assertThat(ROUTER.route("devices/" + device + "/" + template))
        .contains(new Route(template, device, RULES.get(0)));
  }

  @Provide
  Arbitrary<String> levels() {
    return Arbitraries.strings()
        .all()
        .ofMinLength(1)
        .ofMaxLength(20)
        .filter(s -> s.indexOf('/') < 0 && s.indexOf('+') < 0 && s.indexOf('#') < 0)
        .filter(s -> s.indexOf('\0') < 0);
  }

  @Property(tries = 500)
  void patternsParseOrRefuseButNeverThrowAnythingElse(@ForAll("topics") String pattern) {
    try {
      TopicPattern p = TopicPattern.parse(pattern);
      assertThat(p.filter()).doesNotContain("{");
    } catch (IllegalArgumentException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  /**
   * The same rules as regular expressions (MQTT semantics written out independently): a topic with
   * a wildcard or U+0000 is no topic; a {@code $} topic only matches a literal first level.
   */
  private static Optional<Route> oracle(String topic) {
    if (topic == null
        || topic.isEmpty()
        || topic.contains("+")
        || topic.contains("#")
        || topic.contains("\0")) {
      return Optional.empty();
    }
    var m = Pattern.compile("devices/([^/]+)/([^/]+)").matcher(topic);
    if (!topic.startsWith("$") && m.matches()) {
      return Optional.of(new Route(m.group(2), m.group(1), RULES.get(0)));
    }
    if (Pattern.compile("vendor/acme/[^/]*/vitals").matcher(topic).matches()) {
      return Optional.of(new Route("acme-bedside", null, RULES.get(1)));
    }
    var s = Pattern.compile("site/([^/]+)(/.*)?", Pattern.DOTALL).matcher(topic);
    if (s.matches()) {
      return Optional.of(new Route("nova-wearable", s.group(1), RULES.get(2)));
    }
    var d = Pattern.compile("\\$vb/([^/]+)/([^/]+)").matcher(topic);
    if (d.matches()) {
      return Optional.of(new Route(d.group(1), d.group(2), RULES.get(3)));
    }
    return Optional.empty();
  }
}
