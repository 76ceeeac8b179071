package org.vitalbridge.server.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.store.StoreEvents;

/**
 * Counts what the journal and pipeline report: raw messages received (journaled) and rejected per
 * adapter, and the pipeline latency from receipt to the committed outcome as a histogram.
 */
final class PipelineCounters implements StoreEvents.Listener {
  private final MeterRegistry registry;

  PipelineCounters(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void journaled(RawMessage message) {
    Counter.builder("vitalbridge.messages.received")
        .description("raw messages committed to the journal, per adapter")
        .tag("adapter", message.adapter())
        .register(registry)
        .increment();
  }

  @Override
  public void processed(
      RawMessage message, int accepted, int rejected, java.time.Instant committedAt) {
    if (rejected > 0) {
      Counter.builder("vitalbridge.messages.rejected")
          .description("raw messages with at least one rejection (quarantined), per adapter")
          .tag("adapter", message.adapter())
          .register(registry)
          .increment();
    }
    Duration latency = Duration.between(message.receivedAt(), committedAt);
    // A receipt time in the future (clock stepped back) is not a negative latency.
    Timer.builder("vitalbridge.pipeline.latency")
        .description("from receipt of a raw message to its measurements or rejections committed")
        .tag("adapter", message.adapter())
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofMinutes(10))
        .register(registry)
        .record(latency.isNegative() ? Duration.ZERO : latency);
  }
}
