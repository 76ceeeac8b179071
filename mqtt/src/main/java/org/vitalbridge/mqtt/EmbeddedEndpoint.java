package org.vitalbridge.mqtt;

import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PfxOptions;
import io.vertx.mqtt.MqttEndpoint;
import io.vertx.mqtt.MqttServer;
import io.vertx.mqtt.MqttServerOptions;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded MQTT 5 endpoint (Vert.x MQTT server): devices connect and PUBLISH; VitalBridge holds
 * each PUBACK / PUBREC until the journal has committed the message. Not a broker: subscriptions are
 * refused.
 */
final class EmbeddedEndpoint implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedEndpoint.class);

  /** QoS 1/2 messages one device may have unanswered (commits pending); CONNACK announces it. */
  static final int RECEIVE_MAXIMUM = 100;

  /** A device has this long to send CONNECT after the TCP (and TLS) handshake. */
  private static final int CONNECT_TIMEOUT_SECONDS = 30;

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  private final MqttConfig.Embedded config;
  private final Intake intake;
  private final ExecutorService workers;
  private final Duration commitTimeout;
  private final int packetLimit;
  private final InFlight inFlight = new InFlight();
  private final Map<String, DeviceConnection> connections = new ConcurrentHashMap<>();
  private final Vertx vertx;
  private MqttServer server;
  private volatile boolean closing;
  private volatile boolean listening;

  private EmbeddedEndpoint(MqttConfig config, Intake intake, ExecutorService workers, Vertx vertx) {
    this.config = config.embedded();
    this.intake = intake;
    this.workers = workers;
    this.commitTimeout = config.commitTimeout();
    this.vertx = vertx;
    this.packetLimit = packetLimit(intake.maxPayloadBytes());
  }

  /**
   * Packets are read up to twice the payload limit (plus room for topic and properties), so an
   * oversized payload is answered {@code 0x97} with its head kept rather than cut off with the
   * connection; anything larger is refused by the decoder ({@code 0x95}). MQTT's own ceiling is 268
   * 435 455 bytes.
   */
  static int packetLimit(int maxPayloadBytes) {
    return (int) Math.min(268_435_455L, 2L * maxPayloadBytes + 65_536);
  }

  /** Binds the endpoint; throws {@link IllegalStateException} naming the setting if it cannot. */
  static EmbeddedEndpoint start(MqttConfig config, Intake intake, ExecutorService workers) {
    MqttConfig.Embedded embedded = config.embedded();
    MqttConfig.Tls tls = embedded.tls();
    if (tls != null && tls.keyStore() != null) {
      KeyStores.load(tls.keyStore(), tls.keyStorePassword(), "mqtt.embedded.tls.keyStore");
      if (tls.trustStore() != null) {
        KeyStores.load(tls.trustStore(), tls.trustStorePassword(), "mqtt.embedded.tls.trustStore");
      }
    }
    Vertx vertx =
        Vertx.vertx(
            new VertxOptions()
                .setEventLoopPoolSize(Math.max(1, Runtime.getRuntime().availableProcessors()))
                // Vert.x's own workers stay idle: decoding runs on VitalBridge's pool.
                .setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1)
                .setFileSystemOptions(
                    new FileSystemOptions()
                        .setFileCachingEnabled(false)
                        .setClassPathResolvingEnabled(false)));
    EmbeddedEndpoint endpoint = new EmbeddedEndpoint(config, intake, workers, vertx);
    try {
      endpoint.listen();
    } catch (RuntimeException e) {
      awaitStopped(vertx.close(), "Vert.x");
      throw e;
    }
    return endpoint;
  }

  private void listen() {
    MqttServerOptions options =
        new MqttServerOptions()
            .setHost(config.host())
            .setPort(config.port())
            .setMaxMessageSize(packetLimit)
            .setAutoClientId(false)
            .setTimeoutOnConnect(CONNECT_TIMEOUT_SECONDS);
    MqttConfig.Tls tls = config.tls();
    if (tls != null) {
      options.setSsl(true);
      options.setEnabledSecureTransportProtocols(new java.util.HashSet<>(tls.protocols()));
      if (tls.keyManager() != null) {
        // Managers that follow their files: the next handshake gets a renewed certificate or CRL.
        options.setKeyCertOptions(io.vertx.core.net.KeyCertOptions.wrap(tls.keyManager()));
      } else {
        options.setKeyCertOptions(pfx(tls.keyStore().toString(), tls.keyStorePassword()));
      }
      if (tls.trustManager() != null) {
        options.setTrustOptions(io.vertx.core.net.TrustOptions.wrap(tls.trustManager()));
      } else if (tls.trustStore() != null) {
        options.setTrustOptions(pfx(tls.trustStore().toString(), tls.trustStorePassword()));
      }
      if (tls.trustManager() != null || tls.trustStore() != null) {
        options.setClientAuth(
            tls.requireClientCertificate() ? ClientAuth.REQUIRED : ClientAuth.REQUEST);
      }
    }
    server = MqttServer.create(vertx, options);
    server.endpointHandler(this::onConnect);
    server.exceptionHandler(t -> log.debug("MQTT connection failed: {}", t.toString()));
    try {
      server
          .listen()
          .toCompletionStage()
          .toCompletableFuture()
          .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalStateException(
          "mqtt.embedded.port: cannot listen on "
              + config.host()
              + ":"
              + config.port()
              + " (mqtt.embedded.host/port): "
              + cause.getMessage(),
          cause);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "mqtt.embedded.port: listening on " + config.host() + ":" + config.port() + " timed out",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the MQTT endpoint", e);
    }
    listening = true;
    log.info(
        "MQTT endpoint listening on {}:{}{} (payloads up to {} bytes)",
        config.host(),
        port(),
        tls == null ? "" : " (" + String.join(", ", tls.protocols()) + ")",
        intake.maxPayloadBytes());
  }

  private static PfxOptions pfx(String path, String password) {
    return new PfxOptions().setPath(path).setPassword(password == null ? "" : password);
  }

  int port() {
    return server == null ? -1 : server.actualPort();
  }

  boolean listening() {
    return listening && !closing;
  }

  private void onConnect(MqttEndpoint endpoint) {
    boolean v5 = endpoint.protocolVersion() == 5;
    if (closing) {
      endpoint.reject(
          v5
              ? MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE_5
              : MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE);
      return;
    }
    String clientId = endpoint.clientIdentifier();
    boolean assigned = clientId == null || clientId.isEmpty();
    if (assigned) {
      clientId = "vb-" + UUID.randomUUID();
      endpoint.setClientIdentifier(clientId);
    }
    if (connections.size() >= config.maxConnections() && !connections.containsKey(clientId)) {
      log.warn(
          "MQTT connection refused: mqtt.embedded.maxConnections ({}) reached",
          config.maxConnections());
      endpoint.reject(
          v5
              ? MqttConnectReturnCode.CONNECTION_REFUSED_QUOTA_EXCEEDED
              : MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE);
      return;
    }
    DeviceIdentity identity =
        endpoint.isSsl() ? DeviceIdentity.of(endpoint.sslSession()).orElse(null) : null;
    Context context = Vertx.currentContext();
    DeviceConnection connection =
        new DeviceConnection(
            endpoint,
            context,
            intake,
            new SerialExecutor(workers),
            inFlight,
            clientId,
            identity,
            RECEIVE_MAXIMUM,
            this::closed);
    DeviceConnection previous = connections.put(clientId, connection);
    if (previous != null) {
      previous.takeOver();
    }
    connection.accept(connack(assigned ? clientId : null));
  }

  private void closed(DeviceConnection connection) {
    connections.remove(connection.clientId(), connection);
  }

  private MqttProperties connack(String assignedClientId) {
    MqttProperties p = new MqttProperties();
    p.add(int32(MqttProperties.MAXIMUM_PACKET_SIZE, packetLimit));
    p.add(int32(MqttProperties.RECEIVE_MAXIMUM, RECEIVE_MAXIMUM));
    p.add(int32(MqttProperties.TOPIC_ALIAS_MAXIMUM, TopicAliases.MAXIMUM));
    // Not a broker: nothing to subscribe to, so no wildcards, shared groups or identifiers.
    p.add(int32(MqttProperties.WILDCARD_SUBSCRIPTION_AVAILABLE, 0));
    p.add(int32(MqttProperties.SUBSCRIPTION_IDENTIFIER_AVAILABLE, 0));
    p.add(int32(MqttProperties.SHARED_SUBSCRIPTION_AVAILABLE, 0));
    if (assignedClientId != null) {
      p.add(
          new MqttProperties.StringProperty(
              MqttProperties.ASSIGNED_CLIENT_IDENTIFIER, assignedClientId));
    }
    return p;
  }

  private static MqttProperties.IntegerProperty int32(int property, int value) {
    return new MqttProperties.IntegerProperty(property, value);
  }

  /**
   * Stops taking connections and messages, lets messages already taken get their commit's answer
   * (up to the commit timeout), disconnects every device (0x8B, presence offline {@code shutdown})
   * and stops the server.
   */
  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    int port = port();
    connections.values().forEach(DeviceConnection::stopTaking);
    try {
      if (!inFlight.awaitIdle(commitTimeout.plusSeconds(1))) {
        log.warn("MQTT endpoint closing with {} messages unanswered", inFlight.count());
      }
      connections.values().forEach(DeviceConnection::shutdown);
      awaitNoConnections();
      awaitStopped(server.close(), "MQTT endpoint");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      listening = false;
      awaitStopped(vertx.close(), "Vert.x");
    }
    log.info("MQTT endpoint on port {} closed", port);
  }

  private void awaitNoConnections() throws InterruptedException {
    long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
    while (!connections.isEmpty() && System.nanoTime() < deadline) {
      // Close handlers run on the event loop; this only waits for them.
      Thread.sleep(10);
    }
    if (!connections.isEmpty()) {
      log.warn("{} MQTT connections did not close within {}", connections.size(), STOP_TIMEOUT);
    }
  }

  /** Waits up to {@code STOP_TIMEOUT} for {@code stopping}; a failure or timeout is logged. */
  private static void awaitStopped(io.vertx.core.Future<?> stopping, String what) {
    try {
      stopping
          .toCompletionStage()
          .toCompletableFuture()
          .get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("{} did not stop cleanly: {}", what, e.toString());
    }
  }
}
