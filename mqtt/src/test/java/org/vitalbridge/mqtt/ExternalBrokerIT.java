package org.vitalbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.core.testkit.MutableClock;
import org.vitalbridge.store.Devices;
import org.vitalbridge.store.RetentionPolicy;
import org.vitalbridge.store.Store;
import org.vitalbridge.store.StoreConfig;

/**
 * External mode against the Mosquitto on this machine: VitalBridge subscribes with a persistent
 * session and acknowledges each delivery only after its commit.
 */
class ExternalBrokerIT {
  @TempDir Path tmp;
  final MutableClock clock = new MutableClock(Fixtures.NOW);
  final String run = UUID.randomUUID().toString().substring(0, 8);
  final String prefix = "vbtest/" + run;
  final List<String> clientIds = new ArrayList<>();
  final List<Store> stores = new ArrayList<>();
  final List<MqttIngest> ingests = new ArrayList<>();
  Mqtt5BlockingClient publisher;

  @BeforeEach
  void broker() {
    MosquittoSupport.requireAvailable();
    publisher =
        Mqtt5Client.builder()
            .identifier("vb-it-pub-" + run)
            .serverHost(MosquittoSupport.HOST)
            .serverPort(MosquittoSupport.PORT)
            .buildBlocking();
    publisher.connect();
  }

  @AfterEach
  void cleanUp() {
    ingests.forEach(MqttIngest::close);
    stores.forEach(Store::close);
    if (publisher != null && publisher.getState().isConnected()) {
      publisher.disconnect();
    }
    // The broker is shared and persistent: drop the sessions this test made.
    for (String id : clientIds) {
      try {
        Mqtt5BlockingClient c =
            Mqtt5Client.builder()
                .identifier(id)
                .serverHost(MosquittoSupport.HOST)
                .serverPort(MosquittoSupport.PORT)
                .buildBlocking();
        // A clean start with the default session expiry of 0: the session ends with the connection.
        c.connectWith().cleanStart(true).send();
        c.disconnect();
      } catch (RuntimeException e) {
        // best effort
      }
    }
  }

  MqttConfig external(String clientId, String sharedGroup) {
    clientIds.add(clientId);
    return MqttConfig.defaults()
        .withTopics(List.of(prefix + "/devices/{device}/{template}"))
        .withPresenceTopic(prefix + "/status/{device}")
        .withCommitTimeout(Duration.ofSeconds(20))
        .withExternal(
            new MqttConfig.External(
                MosquittoSupport.HOST,
                MosquittoSupport.PORT,
                clientId,
                null,
                null,
                Duration.ofMinutes(5),
                sharedGroup,
                false,
                null,
                null));
  }

  Store store(String name, MessageProcessor processor) {
    Store s =
        Store.open(
            StoreConfig.sqlite(tmp.resolve(name)),
            processor,
            clock,
            new RetentionPolicy(null, null, 0, 0));
    stores.add(s);
    return s;
  }

  MqttIngest start(MqttConfig config, Store store) {
    MqttIngest i = MqttIngest.start(config, store, clock);
    ingests.add(i);
    return i;
  }

  void publish(String device, long offset, int qos) {
    publisher
        .publishWith()
        .topic(prefix + "/devices/" + device + "/acme-bedside")
        .qos(MqttQos.fromCode(qos))
        .payload(Fixtures.reading(device, offset))
        .send();
  }

  static long rawCount(Store s) {
    return s.retention().usage().rawCount();
  }

  static Set<String> rawIds(Path db) throws Exception {
    Set<String> ids = new HashSet<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id FROM raw_message")) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    return ids;
  }

  @Test
  void deliveriesAreStoredAndTheirAcknowledgementEndsTheBrokersRedelivery() throws Exception {
    String clientId = "vb-it-ack-" + run;
    Store first = store("first.db", Fixtures.PROCESSOR);
    MqttIngest ingest = start(external(clientId, null), first);
    assertThat(ingest.connected()).isTrue();
    assertThat(ingest.port()).isEqualTo(-1);

    publish("ACME-1", 0, 1);
    publish("ACME-1", 1_000, 2);
    await().atMost(Duration.ofSeconds(10)).until(() -> rawCount(first) == 2);
    first.pipeline().drain();
    assertThat(first.measurements().find(Fixtures.ALL)).hasSize(4);
    ingest.close();
    assertThat(ingest.connected()).isFalse();

    // Same session, a fresh store: acknowledged deliveries are not delivered again...
    Store second = store("second.db", Fixtures.PROCESSOR);
    start(external(clientId, null), second);
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> rawCount(second) == 0);
    // ...while the subscription lives on.
    publish("ACME-1", 2_000, 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> rawCount(second) == 1);
  }

  @Test
  void aDeliveryThatWasNotCommittedComesBackInTheNextSession() throws Exception {
    String clientId = "vb-it-redeliver-" + run;
    CountDownLatch decoded = new CountDownLatch(1);
    Store first = store("first.db", Fixtures.signalling(decoded));
    try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("first.db"));
        Statement st = writer.createStatement()) {
      // Another writer holds SQLite's write lock: the journal cannot commit, so nothing is
      // acknowledged to the broker.
      st.execute("BEGIN IMMEDIATE");
      MqttIngest ingest =
          start(external(clientId, null).withCommitTimeout(Duration.ofMillis(500)), first);
      publish("ACME-1", 0, 1);
      assertThat(decoded.await(10, TimeUnit.SECONDS)).isTrue();
      ingest.close();
      st.execute("ROLLBACK");
    }

    Store second = store("second.db", Fixtures.PROCESSOR);
    start(external(clientId, null), second);
    await().atMost(Duration.ofSeconds(15)).until(() -> rawCount(second) == 1);
  }

  @Test
  void aPersistentSessionKeepsWhatWasPublishedWhileVitalBridgeWasDown() throws Exception {
    String clientId = "vb-it-session-" + run;
    Store store = store("vb.db", Fixtures.PROCESSOR);
    start(external(clientId, null), store).close();

    for (int i = 0; i < 10; i++) {
      publish("ACME-" + i, i * 1_000L, 1);
    }

    start(external(clientId, null), store);
    await().atMost(Duration.ofSeconds(15)).until(() -> rawCount(store) == 10);
    store.pipeline().drain();
    assertThat(store.measurements().find(Fixtures.ALL)).hasSize(20);
    // Nothing arrives twice (the broker's queue was acknowledged, the journal deduplicates).
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(3))
        .until(() -> rawCount(store) == 10);
  }

  @Test
  void aSessionLostWhileDisconnectedIsSubscribedAgainAfterTheReconnect() {
    String clientId = "vb-it-reconnect-" + run;
    Store store = store("vb.db", Fixtures.PROCESSOR);
    MqttIngest ingest = start(external(clientId, null), store);

    // Another client takes the id with a clean start: the broker drops VitalBridge's connection
    // and its session (subscriptions included).
    Mqtt5BlockingClient intruder =
        Mqtt5Client.builder()
            .identifier(clientId)
            .serverHost(MosquittoSupport.HOST)
            .serverPort(MosquittoSupport.PORT)
            .buildBlocking();
    intruder.connectWith().cleanStart(true).send();
    intruder.disconnect();

    // VitalBridge reconnects by itself, finds no session and subscribes again.
    long[] offset = {0};
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              publish("ACME-1", offset[0]++ * 1_000L, 1);
              return rawCount(store) > 0;
            });
    assertThat(ingest.connected()).isTrue();
  }

  @Test
  void aSharedGroupSplitsTheMessagesAndStoresEachExactlyOnce() throws Exception {
    String group = "vb-it-" + run;
    Store a = store("a.db", Fixtures.PROCESSOR);
    Store b = store("b.db", Fixtures.PROCESSOR);
    start(external("vb-it-share-a-" + run, group), a);
    start(external("vb-it-share-b-" + run, group), b);

    int n = 40;
    for (int i = 0; i < n; i++) {
      publish("ACME-" + (i % 4), i * 1_000L, 1);
    }

    await().atMost(Duration.ofSeconds(15)).until(() -> rawCount(a) + rawCount(b) == n);
    Set<String> idsA = rawIds(tmp.resolve("a.db"));
    Set<String> idsB = rawIds(tmp.resolve("b.db"));
    assertThat(idsA).isNotEmpty().doesNotContainAnyElementsOf(idsB);
    assertThat(idsB).isNotEmpty();
    assertThat(idsA.size() + idsB.size()).isEqualTo(n);
  }

  @Test
  void presenceReportsOnThePresenceTopicAreRecorded() throws Exception {
    Store store = store("vb.db", Fixtures.PROCESSOR);
    start(external("vb-it-presence-" + run, null), store);
    String topic = prefix + "/status/MON-1";

    publisher
        .publishWith()
        .topic(topic)
        .qos(MqttQos.AT_LEAST_ONCE)
        .retain(true)
        .payload(Fixtures.json("online"))
        .send();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(store.devices().find("MON-1"))
                    .hasValueSatisfying(
                        s -> {
                          assertThat(s.connectionState()).isEqualTo(Devices.ONLINE);
                          assertThat(s.stateReason()).isEqualTo("status");
                        }));

    publisher
        .publishWith()
        .topic(topic)
        .qos(MqttQos.AT_LEAST_ONCE)
        .retain(true)
        .payload(Fixtures.json("offline"))
        .send();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(store.devices().find("MON-1"))
                    .map(Devices.DeviceState::connectionState)
                    .contains(Devices.OFFLINE));
    assertThat(rawCount(store)).isZero();

    // Clearing the retained report (an empty retained message) is no report and nothing to keep.
    publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).retain(true).send();
    publish("MON-1", 0, 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> rawCount(store) == 1);
    assertThat(store.devices().find("MON-1"))
        .map(Devices.DeviceState::connectionState)
        .contains(Devices.OFFLINE);
    store.pipeline().drain();
    assertThat(store.quarantine().openCount()).isZero();
  }

  @Test
  void anUnreachableBrokerFailsStartNamingTheSettings() {
    Store store = store("vb.db", Fixtures.PROCESSOR);
    MqttConfig nowhere =
        external("vb-it-nowhere-" + run, null)
            .withExternal(
                new MqttConfig.External(
                    "127.0.0.1",
                    1,
                    "vb-it-nowhere-" + run,
                    null,
                    null,
                    Duration.ofMinutes(1),
                    null,
                    false,
                    null,
                    null));

    assertThatThrownBy(() -> MqttIngest.start(nowhere, store, clock))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("mqtt.external.host/port");
  }
}
