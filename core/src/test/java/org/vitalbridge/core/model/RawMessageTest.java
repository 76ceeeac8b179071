package org.vitalbridge.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RawMessageTest {
  private static final Instant RECEIVED = Instant.parse("2026-03-15T10:30:00Z");
  private static final String PHI = "{\"patient\":\"Jane Doe\",\"mrn\":\"123456\"}";

  private static RawMessage message(byte[] payload) {
    return new RawMessage(
        "raw-1", payload, "application/json", "mqtt", "vitals/bed7", "CN=monitor-1", RECEIVED);
  }

  @Test
  void payloadIsCopiedOnTheWayIn() {
    byte[] bytes = PHI.getBytes(StandardCharsets.UTF_8);
    RawMessage m = message(bytes);
    Arrays.fill(bytes, (byte) 'x');
    assertThat(new String(m.payload(), StandardCharsets.UTF_8)).isEqualTo(PHI);
  }

  @Test
  void payloadIsCopiedOnTheWayOut() {
    RawMessage m = message(PHI.getBytes(StandardCharsets.UTF_8));
    byte[] out = m.payload();
    Arrays.fill(out, (byte) 'x');
    assertThat(new String(m.payload(), StandardCharsets.UTF_8)).isEqualTo(PHI);
    assertThat(m.payload()).isNotSameAs(m.payload());
    assertThat(m.size()).isEqualTo(PHI.getBytes(StandardCharsets.UTF_8).length);
  }

  @Test
  void equalityIsByContent() {
    RawMessage a = message(PHI.getBytes(StandardCharsets.UTF_8));
    RawMessage b = message(PHI.getBytes(StandardCharsets.UTF_8));
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(message("other".getBytes(StandardCharsets.UTF_8)));
    assertThat(a)
        .isNotEqualTo(
            new RawMessage(
                "raw-1",
                PHI.getBytes(StandardCharsets.UTF_8),
                "application/json",
                "mqtt",
                "vitals/bed8",
                "CN=monitor-1",
                RECEIVED));
  }

  @Test
  void toStringNeverShowsThePayload() {
    byte[] bytes = PHI.getBytes(StandardCharsets.UTF_8);
    String text = message(bytes).toString();
    assertThat(text)
        .doesNotContain("Jane")
        .doesNotContain("123456")
        .doesNotContain(Arrays.toString(bytes).substring(1, 20))
        .doesNotContain("[B@")
        .contains("raw-1")
        .contains("bytes=" + bytes.length);
  }

  @Test
  void requiredParts() {
    assertThatThrownBy(
            () ->
                new RawMessage(null, new byte[0], "application/json", "mqtt", null, null, RECEIVED))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(
            () -> new RawMessage("raw-1", null, "application/json", "mqtt", null, null, RECEIVED))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(
            () ->
                new RawMessage("raw-1", new byte[0], "application/json", "mqtt", null, null, null))
        .isInstanceOf(NullPointerException.class);
  }
}
