package org.vitalbridge.store;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vitalbridge.core.model.Measurement;

/**
 * Measurements as they are committed, for live views (the WebSocket stream, the console): each new
 * measurement, and a stored one again (same id) when a later message changes its status
 * (preliminary → final → amended → entered-in-error), with the new status. A repeat that changes
 * nothing (a resend, a replay, a late preliminary) is not offered again. Delivery is only while
 * subscribed; the store, not this feed, is the record.
 */
public final class MeasurementFeed {
  private static final Logger log = LoggerFactory.getLogger(MeasurementFeed.class);

  private final List<Consumer<Measurement>> listeners = new CopyOnWriteArrayList<>();

  MeasurementFeed() {}

  /**
   * Calls {@code listener} on the pipeline thread after each commit, once per stored or changed
   * measurement (patient already attributed). It must not block: hand off to a queue of its own.
   * Close the returned handle to unsubscribe.
   */
  public AutoCloseable subscribe(Consumer<Measurement> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  void publish(List<Measurement> committed) {
    if (listeners.isEmpty()) {
      return;
    }
    for (Measurement m : committed) {
      for (Consumer<Measurement> l : listeners) {
        try {
          l.accept(m);
        } catch (RuntimeException e) {
          // A broken live view must never stall the pipeline.
          log.warn("measurement feed listener failed: {}", e.toString());
        }
      }
    }
  }
}
