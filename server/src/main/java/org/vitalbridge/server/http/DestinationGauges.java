package org.vitalbridge.server.http;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vitalbridge.store.DestinationStatus;
import org.vitalbridge.store.Outbox;
import org.vitalbridge.store.StoreException;

/**
 * Backlog, failing (waiting for a retry) and dead-lettered entries per destination, read from the
 * outbox at most once per {@value #TTL_SECONDS} s (they are queries). A destination gets its gauges
 * at the first scrape after its first outbox row.
 */
final class DestinationGauges {
  private static final long TTL_SECONDS = 5;
  private static final Logger log = LoggerFactory.getLogger(DestinationGauges.class);

  private final MeterRegistry registry;
  private final Outbox outbox;
  private final Clock clock;
  private final Map<String, DestinationStatus> latest = new ConcurrentHashMap<>();
  private Instant readAt = Instant.MIN;

  DestinationGauges(MeterRegistry registry, Outbox outbox, Clock clock) {
    this.registry = registry;
    this.outbox = outbox;
    this.clock = clock;
  }

  /** Reads the outbox again when the last reading is older than the TTL. */
  synchronized void refresh() {
    Instant now = clock.instant();
    if (Duration.between(readAt, now).getSeconds() < TTL_SECONDS) {
      return;
    }
    readAt = now;
    try {
      for (String d : outbox.destinations()) {
        if (latest.put(d, outbox.status(d)) == null) {
          register(d);
        }
      }
    } catch (StoreException e) {
      // The gauges keep their last reading; the scrape must still answer.
      log.warn("cannot read destination status for metrics: {}", e.getMessage());
    }
  }

  private void register(String destination) {
    gauge("vitalbridge.destination.backlog", destination, "entries waiting", s -> s.backlog());
    gauge(
        "vitalbridge.destination.failing",
        destination,
        "waiting entries whose last attempt failed",
        s -> s.failing());
    gauge(
        "vitalbridge.destination.dead",
        destination,
        "entries refused for good (dead letters, replayable)",
        s -> s.dead());
  }

  private void gauge(
      String name,
      String destination,
      String description,
      ToDoubleFunction<DestinationStatus> value) {
    Gauge.builder(name, latest, m -> value.applyAsDouble(m.get(destination)))
        .description(description)
        .tag("destination", destination)
        .register(registry);
  }
}
