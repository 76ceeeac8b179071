package org.vitalbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.pubrec.Mqtt5PubRecReasonCode;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.vitalbridge.store.QuarantineEntry;
import org.vitalbridge.store.StoreConfig;
import org.vitalbridge.store.StoredMeasurement;

/** The embedded endpoint with HiveMQ's MQTT 5 client as the devices. */
class EmbeddedIngestIT extends EmbeddedSupport {
  static final String TOPIC = "devices/ACME-1/acme-bedside";

  @Test
  void qos0And1And2AreEachStoredOnceWithTheirChannel() throws Exception {
    start(embedded());
    Mqtt5BlockingClient device = device("ACME-1");

    publish(device, TOPIC, Fixtures.reading("ACME-1", 0), 0);
    Mqtt5PublishResult qos1 = publish(device, TOPIC, Fixtures.reading("ACME-1", 1_000), 1);
    Mqtt5PublishResult qos2 = publish(device, TOPIC, Fixtures.reading("ACME-1", 2_000), 2);

    assertThat(((Mqtt5PublishResult.Mqtt5Qos1Result) qos1).getPubAck().getReasonCode())
        .isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
    assertThat(((Mqtt5PublishResult.Mqtt5Qos2Result) qos2).getPubRec().getReasonCode())
        .isEqualTo(Mqtt5PubRecReasonCode.SUCCESS);
    await().atMost(Duration.ofSeconds(10)).until(() -> rawCount() == 3);
    assertThat(journal())
        .hasSize(3)
        .allSatisfy(
            r -> {
              assertThat(r.contentType())
                  .isEqualTo("application/json; template=\"acme-bedside\"; device=\"ACME-1\"");
              assertThat(r.source()).isEqualTo(TOPIC + " (client ACME-1)");
              assertThat(r.identity()).isNull();
            });
    List<StoredMeasurement> stored = measurements();
    assertThat(stored).hasSize(6).allSatisfy(m -> assertThat(m.device()).isEqualTo("ACME-1"));
    assertThat(quarantine()).isEmpty();
  }

  @Test
  void theAcknowledgementWaitsForTheJournalCommit() throws Exception {
    CountDownLatch decoded = new CountDownLatch(1);
    start(StoreConfig.sqlite(db()), Fixtures.signalling(decoded), embedded());
    Mqtt5AsyncClient device = deviceRecorded("ACME-1").toAsync();

    CompletableFuture<Long> journaledAtAck;
    try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + db());
        Statement st = writer.createStatement()) {
      // Another writer holds SQLite's write lock: the journal cannot commit until it lets go.
      st.execute("BEGIN IMMEDIATE");
      journaledAtAck =
          device
              .publishWith()
              .topic(TOPIC)
              .qos(MqttQos.AT_LEAST_ONCE)
              .payload(Fixtures.reading("ACME-1", 0))
              .send()
              .thenApply(result -> rawCount());
      assertThat(decoded.await(10, TimeUnit.SECONDS)).isTrue();
      await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(5))
          .until(() -> !journaledAtAck.isDone());
      st.execute("ROLLBACK");
    }

    assertThat(journaledAtAck.get(15, TimeUnit.SECONDS)).isEqualTo(1L);
  }

  @Test
  void malformedJsonIsAnswered0x99AndQuarantinedWithItsBytes() throws Exception {
    start(embedded());
    byte[] notJson = Fixtures.json("hr=72;spo2=97");

    Mqtt5PubAck ack = pubAck(device("ACME-1"), TOPIC, notJson);

    assertThat(ack.getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.PAYLOAD_FORMAT_INVALID);
    assertThat(ack.getReasonString().map(Object::toString).orElse(""))
        .contains("malformed-payload")
        .contains("quarantined");
    QuarantineEntry q = assertOneQuarantined("malformed-payload");
    assertThat(quarantinedBytes(q)).isEqualTo(notJson);
  }

  @Test
  void aPayloadOverTheLimitIsAnswered0x97AndQuarantinedWhole() throws Exception {
    start(embedded().withMaxPayloadBytes(1_024));
    byte[] big = padded(3_000);

    Mqtt5PubAck ack = pubAck(device("ACME-1"), TOPIC, big);

    assertThat(ack.getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.QUOTA_EXCEEDED);
    assertThat(ack.getReasonString().map(Object::toString).orElse(""))
        .contains("mqtt.maxPayloadBytes");
    QuarantineEntry q = assertOneQuarantined("payload-too-large");
    assertThat(quarantinedBytes(q)).isEqualTo(big);
    assertThat(measurements()).isEmpty();
  }

  @Test
  void aPayloadOverTheJournalsLimitKeepsItsHead() throws Exception {
    start(StoreConfig.sqlite(db()).withMaxPayloadBytes(4_096), Fixtures.PROCESSOR, embedded());
    byte[] big = padded(6_000);

    Mqtt5PubAck ack = pubAck(device("ACME-1"), TOPIC, big);

    assertThat(ack.getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.QUOTA_EXCEEDED);
    QuarantineEntry q = assertOneQuarantined("payload-too-large");
    assertThat(quarantinedBytes(q)).isEqualTo(Arrays.copyOf(big, 4_096));
    assertThat(q.detail()).contains("6000 bytes");
  }

  @Test
  void aTopicNoRuleRoutesIsAnswered0x90AndQuarantined() throws Exception {
    start(embedded());
    byte[] reading = Fixtures.reading("ACME-1", 0);

    Mqtt5PubAck ack = pubAck(device("ACME-1"), "telemetry/ACME-1", reading);

    assertThat(ack.getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.TOPIC_NAME_INVALID);
    QuarantineEntry q = assertOneQuarantined("unrouted");
    assertThat(quarantinedBytes(q)).isEqualTo(reading);
    // Valid JSON on an unrouted topic is never read as data.
    assertThat(measurements()).isEmpty();
  }

  @Test
  void everyReadingRejectedIsAnswered0x83AndQuarantined() throws Exception {
    start(embedded());

    Mqtt5PubAck ack = pubAck(device("ACME-1"), TOPIC, Fixtures.allRejected("ACME-1"));

    assertThat(ack.getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.IMPLEMENTATION_SPECIFIC_ERROR);
    assertThat(ack.getReasonString().map(Object::toString).orElse(""))
        .startsWith("all 1 readings rejected (quarantined)");
    assertOneQuarantined("not-numeric");
    assertThat(measurements()).isEmpty();
  }

  @Test
  void journalBackPressureIsAnswered0x97AndTheResendIsStored() throws Exception {
    StoreConfig tiny =
        new StoreConfig(
            "sqlite", db(), "FULL", null, null, null, null, 1 << 20, 1000, 1, List.of());
    start(tiny, Fixtures.PROCESSOR, embedded());
    Mqtt5AsyncClient device = deviceRecorded("ACME-1").toAsync();
    List<CompletableFuture<Mqtt5PublishResult>> sent = new ArrayList<>();

    try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + db());
        Statement st = writer.createStatement()) {
      st.execute("BEGIN IMMEDIATE");
      for (int i = 0; i < 4; i++) {
        sent.add(send(device, Fixtures.reading("ACME-1", i * 1_000L)));
      }
      // One commit is stuck behind the lock, one more fits the queue of one: the rest is pushed
      // back at once, while the lock is still held.
      await()
          .atMost(Duration.ofSeconds(8))
          .until(() -> sent.stream().anyMatch(f -> code(f) == 0x97));
      st.execute("ROLLBACK");
    }
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> sent.stream().allMatch(CompletableFuture::isDone));
    long stored = sent.stream().filter(f -> code(f) == 0).count();
    List<Integer> refusedIndexes = new ArrayList<>();
    for (int i = 0; i < sent.size(); i++) {
      if (code(sent.get(i)) == 0x97) {
        refusedIndexes.add(i);
      }
    }
    assertThat(stored + refusedIndexes.size()).isEqualTo(4);
    assertThat(rawCount()).isEqualTo(stored);

    for (int i : refusedIndexes) {
      assertThat(code(done(send(device, Fixtures.reading("ACME-1", i * 1_000L))))).isZero();
    }
    assertThat(rawCount()).isEqualTo(4);
    assertThat(measurements()).hasSize(8);
  }

  @Test
  void aCommitSlowerThanTheTimeoutIsAnswered0x80AndTheResendStoresNothingTwice() throws Exception {
    start(embedded().withCommitTimeout(Duration.ofMillis(500)));
    Mqtt5AsyncClient device = deviceRecorded("ACME-1").toAsync();
    byte[] reading = Fixtures.reading("ACME-1", 0);
    CompletableFuture<Mqtt5PublishResult> first;

    try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + db());
        Statement st = writer.createStatement()) {
      st.execute("BEGIN IMMEDIATE");
      first = send(device, reading);
      await().atMost(Duration.ofSeconds(8)).until(first::isDone);
      st.execute("ROLLBACK");
    }

    assertThat(code(first)).isEqualTo(0x80);
    // The commit went through after all; the device's resend is the same raw message.
    assertThat(code(done(send(device, reading)))).isZero();
    await().atMost(Duration.ofSeconds(10)).until(() -> rawCount() == 1);
    assertThat(measurements()).hasSize(2);
  }

  @Test
  void fiftyDevicesPublishingAtOnceAreAllStored() throws Exception {
    start(embedded());
    int devices = 60;
    int each = 5;
    List<Mqtt5AsyncClient> clients = new ArrayList<>();
    for (int d = 0; d < devices; d++) {
      clients.add(device("ACME-" + d).toAsync());
    }

    List<CompletableFuture<Mqtt5PublishResult>> sent = new ArrayList<>();
    for (int i = 0; i < each; i++) {
      for (int d = 0; d < devices; d++) {
        sent.add(
            clients
                .get(d)
                .publishWith()
                .topic("devices/ACME-" + d + "/acme-bedside")
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(Fixtures.reading("ACME-" + d, i * 1_000L))
                .send());
      }
    }
    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

    assertThat(sent).allSatisfy(f -> assertThat(code(f)).isZero());
    assertThat(rawCount()).isEqualTo((long) devices * each);
    assertThat(measurements()).hasSize(devices * each * 2);
  }

  @Test
  void startFailuresNameTheSetting() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      MqttConfig clash =
          embedded()
              .withEmbedded(new MqttConfig.Embedded("127.0.0.1", taken.getLocalPort(), 10, null));
      store =
          org.vitalbridge.store.Store.open(
              StoreConfig.sqlite(db()),
              Fixtures.PROCESSOR,
              clock,
              new org.vitalbridge.store.RetentionPolicy(null, null, 0, 0));
      assertThatThrownBy(() -> MqttIngest.start(clash, store, clock))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("mqtt.embedded.port");
    }
    MqttConfig badKeys =
        embedded()
            .withEmbedded(
                new MqttConfig.Embedded(
                    "127.0.0.1",
                    0,
                    10,
                    new MqttConfig.Tls(Path.of("missing.p12"), "x", null, null, false)));
    assertThatThrownBy(() -> MqttIngest.start(badKeys, store, clock))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("mqtt.embedded.tls.keyStore");
    assertThatThrownBy(() -> MqttIngest.start(embedded().withMode("nope"), store, clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mqtt.mode");
    try (MqttIngest off = MqttIngest.start(embedded().withMode("off"), store, clock)) {
      assertThat(off.port()).isEqualTo(-1);
      assertThat(off.connected()).isFalse();
    }
  }

  @Test
  void theEndpointAnnouncesItsLimitsInConnack() {
    start(embedded().withMaxPayloadBytes(10_000));
    Mqtt5BlockingClient c =
        Mqtt5Client.builder()
            .identifier("probe")
            .serverHost("127.0.0.1")
            .serverPort(ingest.port())
            .buildBlocking();
    var connAck = c.connect();
    try {
      assertThat(connAck.getRestrictions().getMaximumPacketSize())
          .isEqualTo(EmbeddedEndpoint.packetLimit(10_000));
      assertThat(connAck.getRestrictions().getReceiveMaximum())
          .isEqualTo(EmbeddedEndpoint.RECEIVE_MAXIMUM);
      assertThat(connAck.getRestrictions().getTopicAliasMaximum()).isEqualTo(TopicAliases.MAXIMUM);
      assertThat(connAck.getRestrictions().isWildcardSubscriptionAvailable()).isFalse();
      assertThat(connAck.getRestrictions().isSharedSubscriptionAvailable()).isFalse();
      assertThat(ingest.connected()).isTrue();
    } finally {
      c.disconnect();
    }
  }

  // --- helpers ------------------------------------------------------------------------------

  private QuarantineEntry assertOneQuarantined(String reason) throws Exception {
    List<QuarantineEntry> q = quarantine();
    assertThat(q).extracting(QuarantineEntry::reason).containsOnly(reason);
    assertThat(q).extracting(QuarantineEntry::rawSeq).containsOnly(q.get(0).rawSeq());
    return q.get(0);
  }

  private static byte[] padded(int size) {
    byte[] b = new byte[size];
    Arrays.fill(b, (byte) ' ');
    byte[] start = Fixtures.reading("ACME-1", 0);
    System.arraycopy(start, 0, b, 0, start.length);
    return b;
  }

  private static CompletableFuture<Mqtt5PublishResult> send(Mqtt5AsyncClient c, byte[] payload) {
    return c.publishWith().topic(TOPIC).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send();
  }

  /** Waits for the answer, whatever it is. */
  private static <T> CompletableFuture<T> done(CompletableFuture<T> f) throws Exception {
    f.handle((r, e) -> null).get(15, TimeUnit.SECONDS);
    return f;
  }
}
