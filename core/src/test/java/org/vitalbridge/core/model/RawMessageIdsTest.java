package org.vitalbridge.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RawMessageIdsTest {
  @Test
  void idsAreVersion7WithTheTimestampUpFront() {
    Instant t = Instant.parse("2026-11-25T10:15:00.123Z");
    UUID id = UUID.fromString(RawMessageIds.next(Clock.fixed(t, ZoneOffset.UTC)));

    assertThat(id.version()).isEqualTo(7);
    assertThat(id.variant()).isEqualTo(2);
    assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(t.toEpochMilli());
  }

  @Test
  void laterIdsSortAfterEarlierOnesAndNoneRepeat() {
    Set<String> seen = new HashSet<>();
    String previous = "";
    for (int ms = 0; ms < 2000; ms++) {
      String id =
          RawMessageIds.next(
              Clock.fixed(Instant.ofEpochMilli(1_764_000_000_000L + ms), ZoneOffset.UTC));
      assertThat(id.compareTo(previous)).isPositive();
      assertThat(seen.add(id)).isTrue();
      previous = id;
    }
  }
}
