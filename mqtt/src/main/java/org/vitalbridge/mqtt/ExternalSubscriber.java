package org.vitalbridge.mqtt;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientConnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.lifecycle.Mqtt5ClientConnectedContext;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5SimpleAuth;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5SimpleAuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscription;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAck;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * VitalBridge as a subscriber of an external MQTT 5 broker (HiveMQ MQTT client). A persistent
 * session ({@code cleanStart=false}, {@code mqtt.external.sessionExpiry}) makes the broker queue
 * messages while VitalBridge is down; manual acknowledgement makes its PUBACK / PUBREC to the
 * broker go out only after the journal commit. A message that could not be committed is not
 * acknowledged: it is retried here (with backoff) until it is, and if VitalBridge stops first the
 * broker delivers it again in the next session.
 */
final class ExternalSubscriber implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ExternalSubscriber.class);

  /**
   * Raw ids of a broker's deliveries: the publisher's client id is not carried, and a redelivery
   * may reach another node of the shared group, which must derive the same id.
   */
  static final String SENDER = "mqtt-broker";

  /** Deliveries the broker may have unacknowledged with us (held in memory while retried). */
  static final int RECEIVE_MAXIMUM = 100;

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
  private static final long RECONNECT_INITIAL_MILLIS = 1_000;
  private static final long RECONNECT_MAX_MILLIS = 60_000;
  private static final long RETRY_INITIAL_MILLIS = 100;
  private static final long RETRY_MAX_MILLIS = 5_000;

  private final MqttConfig.External config;
  private final Intake intake;
  private final ExecutorService workers;
  private final Duration commitTimeout;
  private final List<String> filters;
  private final InFlight inFlight = new InFlight();
  private final ScheduledExecutorService retries =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "vitalbridge-mqtt-retry");
            t.setDaemon(true);
            return t;
          });
  private final Mqtt5AsyncClient client;
  private volatile boolean closing;
  private volatile boolean everConnected;
  private volatile boolean firstConnection = true;
  private final CompletableFuture<Void> subscribed = new CompletableFuture<>();

  private ExternalSubscriber(MqttConfig config, Intake intake, ExecutorService workers) {
    this.config = config.external();
    this.intake = intake;
    this.workers = workers;
    this.commitTimeout = config.commitTimeout();
    this.filters = filters(intake, this.config.sharedGroup());
    this.client = build();
  }

  /** The filters subscribed to: every rule's, then the presence topic's; shared when configured. */
  static List<String> filters(Intake intake, String sharedGroup) {
    List<String> plain = new ArrayList<>(intake.rules().filters());
    intake.presenceFilter().filter(f -> !plain.contains(f)).ifPresent(plain::add);
    if (sharedGroup == null) {
      return List.copyOf(plain);
    }
    return plain.stream().map(f -> "$share/" + sharedGroup + "/" + f).toList();
  }

  /**
   * Connects and subscribes; throws {@link IllegalStateException} naming the settings when the
   * broker cannot be reached or refuses the connection or a subscription.
   */
  static ExternalSubscriber start(MqttConfig config, Intake intake, ExecutorService workers) {
    ExternalSubscriber s = new ExternalSubscriber(config, intake, workers);
    s.connect();
    return s;
  }

  private Mqtt5AsyncClient build() {
    Mqtt5ClientBuilder b =
        Mqtt5Client.builder()
            .identifier(config.clientId())
            .serverHost(config.host())
            .serverPort(config.port())
            .addConnectedListener(this::onConnected)
            .addDisconnectedListener(this::onDisconnected);
    if (config.tls()) {
      b =
          b.sslConfig(
              MqttClientSslConfig.builder()
                  .protocols(config.protocols())
                  .keyManagerFactory(
                      config.keyManager() == null ? null : Managers.keys(config.keyManager()))
                  .trustManagerFactory(
                      config.trustManager() != null
                          ? Managers.trust(config.trustManager())
                          : config.trustStore() == null
                              ? null
                              : KeyStores.trust(
                                  config.trustStore(),
                                  config.trustStorePassword(),
                                  "mqtt.external.trustStore"))
                  .build());
    }
    if (config.username() != null || config.password() != null) {
      byte[] password =
          config.password() == null ? null : config.password().getBytes(StandardCharsets.UTF_8);
      Mqtt5SimpleAuthBuilder.Complete auth =
          config.username() != null
              ? Mqtt5SimpleAuth.builder().username(config.username())
              : Mqtt5SimpleAuth.builder().password(password);
      if (config.username() != null && password != null) {
        auth = auth.password(password);
      }
      b = b.simpleAuth(auth.build());
    }
    Mqtt5AsyncClient c = b.buildAsync();
    // Registered before connecting: a resumed session delivers its queue right after CONNACK, for
    // subscriptions this process never made (hence ALL, not SUBSCRIBED).
    c.publishes(MqttGlobalPublishFilter.ALL, this::onPublish, workers, true);
    return c;
  }

  private void connect() {
    CompletableFuture<Mqtt5ConnAck> connAck =
        client
            .connectWith()
            .cleanStart(false)
            .sessionExpiryInterval(config.sessionExpiry().getSeconds())
            .restrictions()
            .receiveMaximum(RECEIVE_MAXIMUM)
            .applyRestrictions()
            .send();
    try {
      connAck.get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      subscribed.get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      closeQuietly();
      throw new IllegalStateException(
          "mqtt.external.host/port: cannot connect and subscribe at "
              + config.host()
              + ":"
              + config.port()
              + " as mqtt.external.clientId '"
              + config.clientId()
              + "': "
              + cause,
          cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly();
      throw new IllegalStateException("interrupted while connecting to the MQTT broker", e);
    }
  }

  boolean connected() {
    return !closing && client.getState().isConnected();
  }

  private void onConnected(MqttClientConnectedContext context) {
    everConnected = true;
    boolean sessionPresent =
        context instanceof Mqtt5ClientConnectedContext c && c.getConnAck().isSessionPresent();
    boolean first = firstConnection;
    firstConnection = false;
    log.info(
        "MQTT broker {}:{} connected as {} (session {})",
        config.host(),
        config.port(),
        config.clientId(),
        sessionPresent ? "resumed" : "new");
    if (!first) {
      // A reconnect: the client renews its subscriptions itself when the broker lost the session
      // (resubscribeIfSessionExpired), and leaves them alone when the broker kept them.
      return;
    }
    // The first connection of a process subscribes even to a resumed session: mqtt.topics may
    // have changed since the session was made, and renewing a subscription keeps what the broker
    // queued. It also makes the client know the subscriptions it renews after a lost session.
    CompletableFuture<Void> done = subscribed;
    client
        .subscribe(subscription())
        .whenComplete(
            (subAck, e) -> {
              if (e != null) {
                log.error("MQTT subscription failed: {}", e.toString());
                done.completeExceptionally(e);
              } else if (refused(subAck)) {
                String why =
                    "mqtt.topics: the broker refused the subscription to "
                        + filters
                        + ": "
                        + subAck.getReasonCodes()
                        + subAck.getReasonString().map(r -> " (" + r + ")").orElse("");
                log.error(why);
                done.completeExceptionally(new IllegalStateException(why));
              } else {
                log.info("MQTT subscribed to {}", filters);
                done.complete(null);
              }
            });
  }

  private Mqtt5Subscribe subscription() {
    List<Mqtt5Subscription> subs = new ArrayList<>(filters.size());
    for (String f : filters) {
      subs.add(Mqtt5Subscription.builder().topicFilter(f).qos(MqttQos.EXACTLY_ONCE).build());
    }
    return Mqtt5Subscribe.builder().addSubscriptions(subs).build();
  }

  private static boolean refused(Mqtt5SubAck subAck) {
    return subAck.getReasonCodes().stream().anyMatch(Mqtt5SubAckReasonCode::isError);
  }

  private void onDisconnected(MqttClientDisconnectedContext context) {
    if (closing || (context.getSource() == MqttDisconnectSource.USER)) {
      return;
    }
    if (!everConnected) {
      // The first connection failed: start() reports it; no background retries.
      return;
    }
    int attempts = context.getReconnector().getAttempts();
    long delay = Math.min(RECONNECT_MAX_MILLIS, RECONNECT_INITIAL_MILLIS << Math.min(attempts, 16));
    log.warn(
        "MQTT broker {}:{} disconnected ({}); reconnecting in {} ms",
        config.host(),
        config.port(),
        context.getCause().toString(),
        delay);
    context
        .getReconnector()
        .reconnect(true)
        .resubscribeIfSessionExpired(true)
        .resubscribeIfSessionPresent(false)
        .delay(delay, TimeUnit.MILLISECONDS);
  }

  /** On a worker thread (the HiveMQ client's executor is VitalBridge's pool). */
  private void onPublish(Mqtt5Publish publish) {
    String topic = publish.getTopic().toString();
    Intake.Delivery delivery =
        new Intake.Delivery(
            SENDER,
            topic,
            publish.getPayloadAsBytes(),
            publish.isRetain(),
            topic + " (via " + config.clientId() + "@" + config.host() + ":" + config.port() + ")",
            null);
    inFlight.begin();
    deliver(publish, delivery, 0);
  }

  private void deliver(Mqtt5Publish publish, Intake.Delivery delivery, int attempt) {
    if (closing) {
      // Unacknowledged: the broker delivers it again in the next session.
      inFlight.end();
      return;
    }
    intake
        .receive(delivery)
        .whenComplete(
            (answer, e) -> {
              if (answer != null && answer.kept()) {
                if (answer.code().isError()) {
                  log.debug(
                      "MQTT message on {} kept in quarantine ({})",
                      delivery.topic(),
                      answer.code().hex());
                }
                publish.acknowledge();
                inFlight.end();
                return;
              }
              retry(publish, delivery, attempt, answer);
            });
  }

  private void retry(Mqtt5Publish publish, Intake.Delivery delivery, int attempt, Answer answer) {
    if (closing) {
      inFlight.end();
      return;
    }
    long delay = Math.min(RETRY_MAX_MILLIS, RETRY_INITIAL_MILLIS << Math.min(attempt, 16));
    String why = answer == null ? "failed" : answer.code().hex() + " " + answer.reason();
    if (attempt == 0) {
      log.warn(
          "MQTT message on {} not stored ({}); retrying, unacknowledged", delivery.topic(), why);
    } else {
      log.debug(
          "MQTT message on {} still not stored ({}), attempt {}", delivery.topic(), why, attempt);
    }
    try {
      retries.schedule(
          () -> workers.execute(() -> deliver(publish, delivery, attempt + 1)),
          delay,
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      inFlight.end();
    }
  }

  /**
   * Takes no more messages, lets those being committed finish and be acknowledged (up to the commit
   * timeout), then disconnects; the broker keeps the session and queues for it until {@code
   * sessionExpiry}. Messages still unstored are left unacknowledged for the broker to redeliver.
   */
  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    try {
      if (!inFlight.awaitIdle(commitTimeout.plusSeconds(1))) {
        log.warn("MQTT subscriber closing with {} messages unacknowledged", inFlight.count());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeQuietly();
    log.info("MQTT subscriber {} closed", config.clientId());
  }

  private void closeQuietly() {
    closing = true;
    retries.shutdownNow();
    try {
      client.disconnect().get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.debug("MQTT disconnect: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
