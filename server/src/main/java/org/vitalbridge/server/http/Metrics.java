package org.vitalbridge.server.http;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vitalbridge.store.Store;
import org.vitalbridge.store.StoreUsage;

/**
 * What {@code GET /metrics} shows (Prometheus text format, Micrometer): the JVM, the journal
 * backlog, the store's counts (raw messages, measurements, open quarantine, pending outbox rows,
 * read at most once per {@value #USAGE_TTL_SECONDS} s because they are queries), measurements
 * stored per adapter (from the store's feed), messages received and rejected per adapter with the
 * pipeline latency ({@link PipelineCounters}), each destination's backlog, failing and dead entries
 * ({@link DestinationGauges}) and the HTTP ingest answers per endpoint and status.
 */
final class Metrics implements AutoCloseable {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static final long USAGE_TTL_SECONDS = 5;
  private static final Logger log = LoggerFactory.getLogger(Metrics.class);

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Store store;
  private final Clock clock;
  private final AutoCloseable feed;
  private final AutoCloseable events;
  private final DestinationGauges destinations;
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private StoreUsage usage;
  private Instant usageAt = Instant.MIN;

  Metrics(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    Gauge.builder("vitalbridge.journal.backlog", store, s -> s.journal().backlog())
        .description("raw messages offered to the journal and not yet committed")
        .register(registry);
    usageGauge("vitalbridge.store.raw.messages", "raw messages kept", StoreUsage::rawCount);
    usageGauge(
        "vitalbridge.store.measurements", "measurements stored", StoreUsage::measurementCount);
    usageGauge(
        "vitalbridge.quarantine.open", "rejections not yet resolved", StoreUsage::openQuarantine);
    usageGauge(
        "vitalbridge.outbox.pending", "outbox rows not yet delivered", StoreUsage::pendingOutbox);
    for (String destination : store.consents().gated()) {
      Gauge.builder(
              "vitalbridge.outbox.withheld", store, s -> s.outbox().status(destination).withheld())
          .description("measurements not sent because the patient's consent does not cover them")
          .tag("destination", destination)
          .register(registry);
    }
    this.feed =
        store
            .feed()
            .subscribe(
                m ->
                    registry
                        .counter(
                            "vitalbridge.measurements.stored", "adapter", m.provenance().adapter())
                        .increment());
    this.events = store.events().subscribe(new PipelineCounters(registry));
    this.destinations = new DestinationGauges(registry, store.outbox(), clock);
  }

  MeterRegistry registry() {
    return registry;
  }

  /** Counts one ingest answer ({@code endpoint}: single, batch or ws). */
  void answered(String endpoint, int status) {
    registry
        .counter(
            "vitalbridge.http.ingest.answers",
            "endpoint",
            endpoint,
            "status",
            Integer.toString(status))
        .increment();
  }

  String scrape() {
    destinations.refresh();
    return registry.scrape();
  }

  private void usageGauge(String name, String description, ToDoubleFunction<StoreUsage> value) {
    Gauge.builder(name, this, m -> value.applyAsDouble(m.usage()))
        .description(description)
        .register(registry);
  }

  private synchronized StoreUsage usage() {
    Instant now = clock.instant();
    if (usage == null || Duration.between(usageAt, now).getSeconds() >= USAGE_TTL_SECONDS) {
      usage = store.retention().usage();
      usageAt = now;
    }
    return usage;
  }

  @Override
  public void close() {
    try {
      feed.close();
      events.close();
    } catch (Exception e) {
      log.warn("cannot unsubscribe the metrics feed: {}", e.toString());
    }
    gc.close();
    registry.close();
  }
}
