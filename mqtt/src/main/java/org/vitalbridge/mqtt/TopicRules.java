package org.vitalbridge.mqtt;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * The configured routing rules ({@code mqtt.topics}), first match wins: a pattern that captures
 * {@code {template}}, or a pattern with a fixed template ({@code vendor/acme/+/vitals ->
 * acme-bedside}).
 */
final class TopicRules {
  private static final String ARROW = "->";

  private record Rule(String text, TopicPattern pattern, String fixedTemplate) {}

  private final List<Rule> rules;

  private TopicRules(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** Parses every rule; throws {@link IllegalArgumentException} listing all the bad ones. */
  static TopicRules parse(List<String> texts) {
    List<String> errors = errors(texts);
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", errors));
    }
    List<Rule> rules = new ArrayList<>(texts.size());
    for (String text : texts) {
      rules.add(rule(text));
    }
    return new TopicRules(rules);
  }

  /** What is wrong with each rule, keyed {@code mqtt.topics[i]}; empty when all are usable. */
  static List<String> errors(List<String> texts) {
    List<String> errors = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      try {
        rule(texts.get(i));
      } catch (IllegalArgumentException e) {
        errors.add("mqtt.topics[" + i + "] '" + texts.get(i) + "': " + e.getMessage());
      }
    }
    return errors;
  }

  private static Rule rule(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("the rule is empty");
    }
    String patternText = text.strip();
    String fixed = null;
    int arrow = text.indexOf(ARROW);
    if (arrow >= 0) {
      patternText = text.substring(0, arrow).strip();
      fixed = text.substring(arrow + ARROW.length()).strip();
      if (fixed.isEmpty() || fixed.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException(
            "'-> template' must name one template (no spaces), e.g. 'vendor/acme/+/vitals ->"
                + " acme-bedside'");
      }
    }
    TopicPattern pattern = TopicPattern.parse(patternText);
    if (fixed != null && pattern.capturesTemplate()) {
      throw new IllegalArgumentException(
          "names its template twice ({template} and '-> " + fixed + "')");
    }
    if (fixed == null && !pattern.capturesTemplate()) {
      throw new IllegalArgumentException("must capture {template} or name one with '-> template'");
    }
    return new Rule(text, pattern, fixed);
  }

  /** The route of the first rule that matches {@code topic}, if any. */
  Optional<Route> route(String topic) {
    for (Rule r : rules) {
      Optional<TopicPattern.Captures> c = r.pattern().match(topic);
      if (c.isPresent()) {
        String template = r.fixedTemplate() != null ? r.fixedTemplate() : c.get().template();
        return Optional.of(new Route(template, c.get().device(), r.text()));
      }
    }
    return Optional.empty();
  }

  /** The subscription filters that receive every routed topic, without repeats. */
  List<String> filters() {
    LinkedHashSet<String> out = new LinkedHashSet<>();
    for (Rule r : rules) {
      out.add(r.pattern().filter());
    }
    return List.copyOf(out);
  }
}
