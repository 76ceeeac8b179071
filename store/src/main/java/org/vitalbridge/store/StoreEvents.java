package org.vitalbridge.store;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vitalbridge.core.model.RawMessage;

/**
 * What the journal and the pipeline did, for counters outside the store (the server's Prometheus
 * metrics): the store stays free of any metrics library. Listeners run on the journal writer or
 * pipeline thread after the commit and must not block.
 */
public final class StoreEvents {
  private static final Logger log = LoggerFactory.getLogger(StoreEvents.class);

  /** Receives store events; every method defaults to nothing. */
  public interface Listener {
    /** {@code message} was committed to the journal (a resend of a known id included). */
    default void journaled(RawMessage message) {}

    /**
     * {@code message} was processed for the first time and its outcomes committed at {@code
     * committedAt}: {@code accepted} measurements, {@code rejected} rejections.
     */
    default void processed(RawMessage message, int accepted, int rejected, Instant committedAt) {}
  }

  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  StoreEvents() {}

  /** Adds {@code listener}; close the returned handle to remove it. */
  public AutoCloseable subscribe(Listener listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  void journaled(RawMessage message) {
    for (Listener l : listeners) {
      try {
        l.journaled(message);
      } catch (RuntimeException e) {
        // A broken counter must never stall the journal.
        log.warn("store event listener failed: {}", e.toString());
      }
    }
  }

  void processed(RawMessage message, int accepted, int rejected, Instant committedAt) {
    for (Listener l : listeners) {
      try {
        l.processed(message, accepted, rejected, committedAt);
      } catch (RuntimeException e) {
        log.warn("store event listener failed: {}", e.toString());
      }
    }
  }

  boolean quiet() {
    return listeners.isEmpty();
  }
}
