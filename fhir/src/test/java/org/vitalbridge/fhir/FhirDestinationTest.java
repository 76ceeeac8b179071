package org.vitalbridge.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Retry-After parsing (the part of 429/503 handling that needs no server). */
class FhirDestinationTest {

  @Test
  void retryAfterInDeltaSecondsWithAnyHeaderCase() {
    assertThat(FhirDestination.retryAfter(Map.of("retry-after", List.of(" 120 "))))
        .isEqualTo(Duration.ofSeconds(120));
    assertThat(FhirDestination.retryAfter(Map.of("Retry-After", List.of("0"))))
        .isEqualTo(Duration.ZERO);
    assertThat(FhirDestination.retryAfter(Map.of("RETRY-AFTER", List.of("-5"))))
        .as("a negative delay means now")
        .isEqualTo(Duration.ZERO);
  }

  @Test
  void retryAfterAsAnHttpDate() {
    String inTwoMinutes =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            ZonedDateTime.now(ZoneOffset.UTC).plusMinutes(2));
    Duration d = FhirDestination.retryAfter(Map.of("Retry-After", List.of(inTwoMinutes)));
    assertThat(d).isBetween(Duration.ofSeconds(100), Duration.ofSeconds(120));

    String past =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            ZonedDateTime.now(ZoneOffset.UTC).minusMinutes(2));
    assertThat(FhirDestination.retryAfter(Map.of("Retry-After", List.of(past))))
        .isEqualTo(Duration.ZERO);
  }

  @Test
  void noUsableRetryAfterIsNull() {
    assertThat(FhirDestination.retryAfter(null)).isNull();
    assertThat(FhirDestination.retryAfter(Map.of())).isNull();
    assertThat(FhirDestination.retryAfter(Map.of("Retry-After", List.of()))).isNull();
    assertThat(FhirDestination.retryAfter(Map.of("Retry-After", List.of("soon")))).isNull();
    assertThat(FhirDestination.retryAfter(Map.of("Content-Type", List.of("10")))).isNull();
  }
}
