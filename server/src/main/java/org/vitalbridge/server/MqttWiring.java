package org.vitalbridge.server;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vitalbridge.core.ConfigurationException;
import org.vitalbridge.mqtt.MqttConfig;
import org.vitalbridge.mqtt.MqttIngest;
import org.vitalbridge.server.config.VitalBridgeConfig;
import org.vitalbridge.server.tls.TlsSetup;
import org.vitalbridge.store.Store;

/** Builds MQTT 5 ingest (embedded endpoint or external-broker subscription) from configuration. */
final class MqttWiring {
  private MqttWiring() {}

  static MqttConfig config(VitalBridgeConfig.Mqtt m) {
    VitalBridgeConfig.MqttEmbedded e = m.embedded();
    VitalBridgeConfig.MqttExternal x = m.external();
    VitalBridgeConfig.Tls tls = e.tls();
    TlsSetup external = x.tls() && "external".equals(m.mode()) ? externalTls(x) : null;
    MqttConfig config =
        new MqttConfig(
            m.mode(),
            m.topics() == null ? List.of() : m.topics(),
            m.presenceTopic(),
            m.commitTimeout(),
            m.maxPayloadBytes(),
            new MqttConfig.Embedded(
                e.host(),
                e.port(),
                e.maxConnections(),
                tls != null && tls.enabled() ? embeddedTls(tls) : null),
            new MqttConfig.External(
                x.host(),
                x.port(),
                x.clientId(),
                x.username(),
                x.password(),
                x.sessionExpiry(),
                x.sharedGroup(),
                x.tls(),
                x.trustStore(),
                x.trustStorePassword(),
                external == null ? null : external.keyManager(),
                external == null ? null : external.trustManager(),
                external == null ? null : external.protocols()));
    List<String> errors = new java.util.ArrayList<>(config.errors());
    if (m.retryInterval() == null || m.retryInterval().isNegative() || m.retryInterval().isZero()) {
      errors.add("mqtt.retryInterval must be a positive duration");
    }
    if (!errors.isEmpty()) {
      throw new ConfigurationException(String.join("; ", errors));
    }
    return config;
  }

  private static MqttConfig.Tls embeddedTls(VitalBridgeConfig.Tls tls) {
    if (tls.requireClientCertificate() && tls.trustStore() == null) {
      // Reported with the other MQTT settings, by MqttConfig.errors().
      return new MqttConfig.Tls(tls.keyStore(), null, null, null, true);
    }
    TlsSetup setup = TlsContexts.server(tls, "mqtt.embedded.tls");
    return MqttConfig.Tls.of(
        setup.keyManager(),
        setup.trustManager(),
        tls.requireClientCertificate(),
        setup.protocols());
  }

  /** The broker's CA: {@code clientTls.trustStore}, else the older {@code trustStore} key. */
  private static TlsSetup externalTls(VitalBridgeConfig.MqttExternal x) {
    VitalBridgeConfig.ClientTls c =
        x.clientTls() == null ? VitalBridgeConfig.ClientTls.none() : x.clientTls();
    if (c.trustStore() == null && x.trustStore() != null) {
      c =
          new VitalBridgeConfig.ClientTls(
              x.trustStore(),
              x.trustStorePassword(),
              c.keyStore(),
              c.keyStorePassword(),
              c.certificate(),
              c.privateKey(),
              c.minVersion());
    }
    return TlsContexts.client(c, "mqtt.external.clientTls");
  }

  /**
   * MQTT ingest, started now if it can be, else retried every {@code mqtt.retryInterval} (a port
   * still held by another broker, an external broker not up yet) while the rest of VitalBridge runs
   * and {@code /health} reports it DOWN. {@code null} when {@code mqtt.mode} is {@code off}.
   */
  static Supervised start(
      VitalBridgeConfig.Mqtt m, Store store, Clock clock, ScheduledExecutorService scheduler) {
    MqttConfig config = config(m);
    if (MqttConfig.OFF.equals(config.mode())) {
      return null;
    }
    Supervised s = new Supervised(config, store, clock, scheduler, m.retryInterval());
    s.tryStart();
    return s;
  }

  /** A running (or not yet running) MQTT ingest. */
  static final class Supervised implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Supervised.class);

    private final MqttConfig config;
    private final Store store;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final Duration retry;
    private MqttIngest ingest;
    private boolean closed;

    private Supervised(
        MqttConfig config,
        Store store,
        Clock clock,
        ScheduledExecutorService scheduler,
        Duration retry) {
      this.config = config;
      this.store = store;
      this.clock = clock;
      this.scheduler = scheduler;
      this.retry = retry;
    }

    private void tryStart() {
      MqttIngest started;
      try {
        started = MqttIngest.start(config, store, clock);
      } catch (RuntimeException e) {
        log.error(
            "MQTT {} not started, retrying in {} s: {} (another broker on the port? set"
                + " mqtt.embedded.port / VITALBRIDGE_MQTT_EMBEDDED_PORT, or mqtt.mode external"
                + " to subscribe at that broker, or off)",
            config.mode(),
            retry.toSeconds(),
            e.getMessage());
        synchronized (this) {
          if (!closed) {
            scheduler.schedule(this::tryStart, retry.toMillis(), TimeUnit.MILLISECONDS);
          }
        }
        return;
      }
      synchronized (this) {
        if (closed) {
          started.close();
          return;
        }
        ingest = started;
      }
      log.info(
          "MQTT {} running{}",
          config.mode(),
          started.port() > 0 ? " on " + config.embedded().host() + ":" + started.port() : "");
    }

    /** Listening (embedded) or connected to the broker (external). */
    synchronized boolean up() {
      return ingest != null && ingest.connected();
    }

    /** The embedded endpoint's port, or -1 (external mode, or not started). */
    synchronized int port() {
      return ingest == null ? -1 : ingest.port();
    }

    @Override
    public void close() {
      MqttIngest running;
      synchronized (this) {
        closed = true;
        running = ingest;
        ingest = null;
      }
      if (running != null) {
        running.close();
      }
    }
  }
}
