package org.vitalbridge.mqtt;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vitalbridge.store.Store;

/**
 * MQTT 5 ingest: the embedded endpoint devices publish to, or a subscription at an external broker
 * ({@link MqttConfig#mode()}). Every accepted PUBLISH is journaled through {@code store.ingestor()}
 * and acknowledged only after the commit; see {@code docs/adr/0010-mqtt-ingest.md}.
 */
public final class MqttIngest implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MqttIngest.class);

  private final ExecutorService workers;
  private final EmbeddedEndpoint embedded;
  private final ExternalSubscriber external;

  private MqttIngest(
      ExecutorService workers, EmbeddedEndpoint embedded, ExternalSubscriber external) {
    this.workers = workers;
    this.embedded = embedded;
    this.external = external;
  }

  /**
   * Validates {@code config}, then binds the embedded endpoint or connects and subscribes at the
   * broker. Throws {@link IllegalArgumentException} listing every configuration problem, or {@link
   * IllegalStateException} naming the setting when the port cannot be bound, a key store cannot be
   * opened or the broker cannot be reached.
   */
  public static MqttIngest start(MqttConfig config, Store store, Clock clock) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(clock, "clock");
    config.validate();
    if (config.mode().equals(MqttConfig.OFF)) {
      log.info("MQTT ingest is off (mqtt.mode)");
      return new MqttIngest(null, null, null);
    }
    Intake intake = Intake.of(config, store, clock);
    ExecutorService workers = workers();
    try {
      if (config.mode().equals(MqttConfig.EMBEDDED)) {
        return new MqttIngest(workers, EmbeddedEndpoint.start(config, intake, workers), null);
      }
      return new MqttIngest(workers, null, ExternalSubscriber.start(config, intake, workers));
    } catch (RuntimeException e) {
      workers.shutdownNow();
      throw e;
    }
  }

  /**
   * Decoding (CPU) and presence writes (JDBC) run here, never on network threads; waiting for a
   * commit occupies no thread at all.
   */
  private static ExecutorService workers() {
    AtomicInteger n = new AtomicInteger();
    ThreadFactory threads =
        r -> {
          Thread t = new Thread(r, "vitalbridge-mqtt-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    return Executors.newFixedThreadPool(
        Math.max(2, Runtime.getRuntime().availableProcessors()), threads);
  }

  /** The embedded endpoint's bound port (useful with port 0); -1 in external or off mode. */
  public int port() {
    return embedded == null ? -1 : embedded.port();
  }

  /** External mode: connected to the broker; embedded mode: listening; off: {@code false}. */
  public boolean connected() {
    if (embedded != null) {
      return embedded.listening();
    }
    return external != null && external.connected();
  }

  /**
   * Stops taking messages, lets those already taken get their commit's answer (up to {@code
   * mqtt.commitTimeout}), then disconnects devices (embedded) or from the broker (external).
   */
  @Override
  public void close() {
    if (embedded != null) {
      embedded.close();
    }
    if (external != null) {
      external.close();
    }
    if (workers != null) {
      // Presence writes of the last disconnects finish before the store may be closed.
      workers.shutdown();
      try {
        if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
          log.warn("MQTT workers did not finish within 10 s");
          workers.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        workers.shutdownNow();
      }
    }
  }
}
