package org.vitalbridge.core.harmonize;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class DedupFilterTest {
  private static UUID id(int n) {
    return new UUID(0, n);
  }

  @Test
  void firstSightingThenRepeat() {
    DedupFilter filter = new DedupFilter(10);
    assertThat(filter.firstSighting(id(1))).isTrue();
    assertThat(filter.firstSighting(id(1))).isFalse();
    assertThat(filter.firstSighting(id(2))).isTrue();
  }

  @Test
  void forgetsTheOldestBeyondCapacity() {
    DedupFilter filter = new DedupFilter(2);
    filter.firstSighting(id(1));
    filter.firstSighting(id(2));
    filter.firstSighting(id(3));
    assertThat(filter.firstSighting(id(3))).isFalse();
    assertThat(filter.firstSighting(id(1))).isTrue();
  }
}
