package org.vitalbridge.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vitalbridge.core.mapping.TemplateTimeTestSupport;

/** Impossible dates are rejected, never moved to a nearby real one. */
class StrictTimeTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-02-30T10:15:00Z", "2026-02-30T10:15:00+01:00", "2026-04-31T10:15:00",
        "2026-11-25T24:00:00Z", "2026-11-25T10:60:00Z", "2026-13-01T00:00:00Z"
      })
  void impossibleIsoDatesAreBadTimestamps(String text) {
    assertThatThrownBy(
            () -> TimestampParser.parse(text, TimeSpec.of(TimeFormat.ISO), ZoneOffset.UTC))
        .isInstanceOf(BadTimestampException.class);
  }

  @Test
  void theFastPathAgreesWithTheFormatter() throws Exception {
    for (String t :
        new String[] {
          "2026-11-25T10:15:00Z",
          "2026-11-25T10:15:00.123456789+05:30",
          "2026-11-25T10:15Z",
          "2024-02-29T23:59:59-08:00",
          "2026-11-25t10:15:00z"
        }) {
      Instant fast = TimestampParser.fastOffsetDateTime(t);
      assertThat(fast).as(t).isNotNull();
      assertThat(TimestampParser.parse(t, TimeSpec.of(TimeFormat.ISO), null).instant())
          .isEqualTo(java.time.OffsetDateTime.parse(t.toUpperCase()).toInstant());
    }
  }

  @Test
  void templatePatternsWithYearOfEraAreStrictToo() throws Exception {
    var pattern = TemplateTimeTestSupport.strict("dd.MM.yyyy HH:mm:ss");
    TimeSpec spec = new TimeSpec(TimeFormat.LOCAL, ZoneId.of("Europe/Berlin"), pattern);

    assertThatThrownBy(() -> TimestampParser.parse("30.02.2026 10:00:00", spec, null))
        .isInstanceOf(BadTimestampException.class);
    assertThat(TimestampParser.parse("24.11.2026 10:00:00", spec, null).instant())
        .isEqualTo(Instant.parse("2026-11-24T09:00:00Z"));
  }
}
