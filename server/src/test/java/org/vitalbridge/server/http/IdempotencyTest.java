package org.vitalbridge.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Idempotency-Key validation, request fingerprints and derived raw ids. */
class IdempotencyTest {

  @Example
  void noHeaderIsNoKey() {
    assertThat(Idempotency.key(null, "/p")).isNull();
  }

  @Example
  void aKeyIsTakenStrippedAndWithoutStructuredFieldQuotes() {
    assertThat(Idempotency.key("abc-123", "/p")).isEqualTo("abc-123");
    assertThat(Idempotency.key("  abc-123 ", "/p")).isEqualTo("abc-123");
    assertThat(Idempotency.key("\"8e03978e-40d5-43e8-bc93-6894a57f9324\"", "/p"))
        .isEqualTo("8e03978e-40d5-43e8-bc93-6894a57f9324");
    assertThat(Idempotency.key("a b\"c", "/p")).isEqualTo("a b\"c");
    assertThat(Idempotency.key("k".repeat(255), "/p")).hasSize(255);
  }

  @Example
  void emptyOverlongAndNonAsciiKeysAre400Problems() {
    for (String bad :
        List.of("", "   ", "\"\"", "k".repeat(256), "schlüssel", "tab\there", "x\u007f")) {
      assertThatThrownBy(() -> Idempotency.key(bad, "/api/v1/ingest/t"))
          .as("'%s'", bad)
          .isInstanceOfSatisfying(
              Problem.Raised.class,
              e -> {
                assertThat(e.problem().status()).isEqualTo(400);
                assertThat(e.problem().type())
                    .isEqualTo("urn:vitalbridge:problem:bad-idempotency-key");
                assertThat(e.problem().toJson().path("instance").asText())
                    .isEqualTo("/api/v1/ingest/t");
              });
    }
  }

  @Property
  void everyVisibleAsciiKeyUpTo255IsAccepted(@ForAll("asciiKeys") String key) {
    Assume.that(!(key.length() >= 2 && key.startsWith("\"") && key.endsWith("\"")));

    assertThat(Idempotency.key(key, "/p")).isEqualTo(key);
  }

  @Provide
  Arbitrary<String> asciiKeys() {
    return Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(255);
  }

  @Example
  void theFingerprintIsStableAndDiffersByTemplateDeviceEndpointAndBody() {
    byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    String fp = Idempotency.fingerprint("acme", "D1", "single", body);

    assertThat(Idempotency.fingerprint("acme", "D1", "single", body.clone())).isEqualTo(fp);
    assertThat(fp).matches("[0-9a-f]{64}");
    assertThat(Idempotency.fingerprint("nova", "D1", "single", body)).isNotEqualTo(fp);
    assertThat(Idempotency.fingerprint("acme", "D2", "single", body)).isNotEqualTo(fp);
    assertThat(Idempotency.fingerprint("acme", null, "single", body)).isNotEqualTo(fp);
    assertThat(Idempotency.fingerprint("acme", "D1", "batch", body)).isNotEqualTo(fp);
    assertThat(
            Idempotency.fingerprint(
                "acme", "D1", "single", "{\"a\":2}".getBytes(StandardCharsets.UTF_8)))
        .isNotEqualTo(fp);
  }

  @Example
  void theFingerprintCannotBeForgedByMovingBytesBetweenItsParts() {
    // A device (a query parameter: any characters) that ends with what would otherwise separate
    // the parts must not make one request look like another.
    byte[] tail = "{}".getBytes(StandardCharsets.UTF_8);
    byte[] shifted = "batch\u0000{}".getBytes(StandardCharsets.UTF_8);

    assertThat(Idempotency.fingerprint("acme", "D1\u0000single", "batch", tail))
        .isNotEqualTo(Idempotency.fingerprint("acme", "D1", "single", shifted));
    assertThat(Idempotency.fingerprint("acme", "D1\u0000", "single", tail))
        .isNotEqualTo(
            Idempotency.fingerprint(
                "acme", "D1", "single", "\u0000single\u0000{}".getBytes(StandardCharsets.UTF_8)));
  }

  @Property
  void differentRequestsHaveDifferentFingerprints(
      @ForAll("parts") String template1,
      @ForAll("devices") String device1,
      @ForAll("endpoints") String endpoint1,
      @ForAll byte[] body1,
      @ForAll("parts") String template2,
      @ForAll("devices") String device2,
      @ForAll("endpoints") String endpoint2,
      @ForAll byte[] body2) {
    Assume.that(
        !template1.equals(template2)
            || !java.util.Objects.equals(device1, device2)
            || !endpoint1.equals(endpoint2)
            || !java.util.Arrays.equals(body1, body2));

    assertThat(Idempotency.fingerprint(template1, device1, endpoint1, body1))
        .isNotEqualTo(Idempotency.fingerprint(template2, device2, endpoint2, body2));
  }

  @Provide
  Arbitrary<String> parts() {
    return Arbitraries.strings().withChars('a', 'b', '\u0000', '-').ofMinLength(1).ofMaxLength(4);
  }

  @Provide
  Arbitrary<String> devices() {
    return Arbitraries.strings()
        .withChars('a', 'b', '\u0000', '-')
        .ofMinLength(1)
        .ofMaxLength(4)
        .injectNull(0.2);
  }

  @Provide
  Arbitrary<String> endpoints() {
    return Arbitraries.of("single", "batch");
  }

  @Example
  void rawIdsAreDerivedFromKeyFingerprintAndIndex() {
    String a = Idempotency.rawId("k", "fp", 0);

    assertThat(Idempotency.rawId("k", "fp", 0)).isEqualTo(a);
    assertThat(java.util.UUID.fromString(a).toString()).isEqualTo(a);
    assertThat(Idempotency.rawId("k", "fp", 1)).isNotEqualTo(a);
    assertThat(Idempotency.rawId("k2", "fp", 0)).isNotEqualTo(a);
    assertThat(Idempotency.rawId("k", "fp2", 0)).isNotEqualTo(a);
  }

  @Example
  void aKeyIsScopedToItsCallerWithoutAmbiguity() {
    assertThat(Idempotency.scoped(null, "k")).isEqualTo("k");
    assertThat(Idempotency.scoped("token:a", "k")).isNotEqualTo(Idempotency.scoped("token:b", "k"));
    assertThat(Idempotency.scoped("a|b", "c")).isNotEqualTo(Idempotency.scoped("a", "b|c"));
  }

  @Example
  void aKeyInFlightCannotBeClaimedTwiceUntilReleased() {
    Idempotency idempotency = new Idempotency(null);

    assertThat(idempotency.claim("k")).isTrue();
    assertThat(idempotency.claim("k")).isFalse();
    assertThat(idempotency.claim("other")).isTrue();
    idempotency.release("k");
    assertThat(idempotency.claim("k")).isTrue();
    assertThat(Idempotency.stillInFlight("/p").status()).isEqualTo(409);
    assertThat(Idempotency.stillInFlight("/p").retryAfter()).isEqualTo(1);
  }
}
