package org.vitalbridge.core.harmonize;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Remembers recently seen measurement ids so a repeated event is reported as a duplicate. Bounded:
 * the durable guarantee comes from the store's idempotent insert; this catches repeats in flight.
 */
public final class DedupFilter {
  private final Map<UUID, Boolean> seen;

  public DedupFilter(int capacity) {
    this.seen =
        new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, false) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
            return size() > capacity;
          }
        };
  }

  /** {@code true} the first time an id is seen, {@code false} for a repeat. */
  public synchronized boolean firstSighting(UUID id) {
    return seen.put(id, Boolean.TRUE) == null;
  }
}
