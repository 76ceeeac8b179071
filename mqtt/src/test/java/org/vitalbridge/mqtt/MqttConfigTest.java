package org.vitalbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MqttConfigTest {
  @Test
  void defaultsAreValidAndEmbedded() {
    MqttConfig d = MqttConfig.defaults();
    assertThat(d.errors()).isEmpty();
    assertThat(d.mode()).isEqualTo("embedded");
    assertThat(d.embedded().port()).isEqualTo(1883);
    assertThat(d.topics()).containsExactly("devices/{device}/{template}");
    assertThat(d.withMode("external").errors()).isEmpty();
  }

  @Test
  void everyEmbeddedProblemIsReportedAtOnceWithItsKey() {
    MqttConfig bad =
        new MqttConfig(
            "embedded",
            List.of("devices/{device}"),
            "devices/status",
            Duration.ZERO,
            -1,
            new MqttConfig.Embedded(
                " ", 70_000, 0, new MqttConfig.Tls(null, "secret", null, null, true)),
            null);

    List<String> errors = bad.errors();

    assertThat(errors)
        .anySatisfy(e -> assertThat(e).startsWith("mqtt.topics[0]"))
        .anySatisfy(e -> assertThat(e).startsWith("mqtt.presenceTopic"))
        .anySatisfy(e -> assertThat(e).startsWith("mqtt.commitTimeout"))
        .anySatisfy(e -> assertThat(e).startsWith("mqtt.maxPayloadBytes"))
        .anySatisfy(e -> assertThat(e).startsWith("mqtt.embedded.host"))
        .anySatisfy(e -> assertThat(e).startsWith("mqtt.embedded.port"))
        .anySatisfy(e -> assertThat(e).startsWith("mqtt.embedded.maxConnections"))
        .anySatisfy(e -> assertThat(e).startsWith("mqtt.embedded.tls.keyStore"))
        .anySatisfy(e -> assertThat(e).startsWith("mqtt.embedded.tls.trustStore"))
        .hasSize(9);
    assertThatThrownBy(bad::validate)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mqtt.embedded.port")
        .hasMessageContaining("mqtt.commitTimeout")
        .hasMessageContaining("mqtt.topics[0]");
  }

  @Test
  void everyExternalProblemIsReportedWithItsKey() {
    MqttConfig bad =
        MqttConfig.defaults()
            .withTopics(List.of())
            .withExternal(
                new MqttConfig.External(
                    "",
                    0,
                    " ",
                    null,
                    null,
                    Duration.ofSeconds(-1),
                    "a/b",
                    false,
                    Path.of("x.p12"),
                    null));

    assertThat(bad.errors())
        .anySatisfy(e -> assertThat(e).startsWith("mqtt.topics must name"))
        .anySatisfy(e -> assertThat(e).startsWith("mqtt.external.host"))
        .anySatisfy(e -> assertThat(e).startsWith("mqtt.external.port"))
        .anySatisfy(e -> assertThat(e).startsWith("mqtt.external.clientId"))
        .anySatisfy(e -> assertThat(e).startsWith("mqtt.external.sessionExpiry"))
        .anySatisfy(e -> assertThat(e).startsWith("mqtt.external.sharedGroup"))
        .anySatisfy(e -> assertThat(e).startsWith("mqtt.external.trustStore"))
        .hasSize(7);
  }

  @Test
  void anUnknownModeIsTheOnlyErrorReported() {
    assertThat(MqttConfig.defaults().withMode("broker").errors())
        .containsExactly("mqtt.mode must be embedded, external or off, not 'broker'");
    assertThat(MqttConfig.defaults().withMode(null).errors()).hasSize(1);
  }

  @Test
  void offNeedsNothingElse() {
    assertThat(new MqttConfig("off", null, null, null, 0, null, null).errors()).isEmpty();
  }

  @Test
  void passwordsNeverAppearInToString() {
    MqttConfig c =
        MqttConfig.defaults()
            .withEmbedded(
                new MqttConfig.Embedded(
                    "127.0.0.1",
                    8883,
                    10,
                    new MqttConfig.Tls(
                        Path.of("k.p12"), "key-secret", Path.of("t.p12"), "trust-secret", true)));
    MqttConfig e =
        c.withExternal(
            new MqttConfig.External(
                "broker",
                8883,
                "vb",
                "user",
                "broker-secret",
                Duration.ofHours(1),
                null,
                true,
                Path.of("ca.p12"),
                "ca-secret"));

    assertThat(e.toString())
        .doesNotContain("key-secret", "trust-secret", "broker-secret", "ca-secret")
        .contains("k.p12", "ca.p12", "user");
  }
}
