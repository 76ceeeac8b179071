package org.vitalbridge.mqtt;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAck;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.core.testkit.MutableClock;
import org.vitalbridge.store.QuarantineEntry;
import org.vitalbridge.store.RetentionPolicy;
import org.vitalbridge.store.Store;
import org.vitalbridge.store.StoreConfig;
import org.vitalbridge.store.StoredMeasurement;

/**
 * A real store (SQLite in a temporary directory, pipeline run on demand) with the embedded endpoint
 * on a free port, and HiveMQ MQTT 5 clients as devices.
 */
abstract class EmbeddedSupport {
  /** A journaled row, read straight from the database. */
  record Raw(String id, String contentType, String source, String identity, int size) {}

  @TempDir Path tmp;
  final MutableClock clock = new MutableClock(Fixtures.NOW);
  Store store;
  MqttIngest ingest;
  private final List<Mqtt5BlockingClient> clients = new ArrayList<>();

  static MqttConfig embedded() {
    return MqttConfig.defaults()
        .withEmbedded(new MqttConfig.Embedded("127.0.0.1", 0, 1_000, null))
        .withCommitTimeout(Duration.ofSeconds(20));
  }

  Path db() {
    return tmp.resolve("vb.db");
  }

  void start(MqttConfig config) {
    start(StoreConfig.sqlite(db()), Fixtures.PROCESSOR, config);
  }

  void start(StoreConfig storeConfig, MessageProcessor processor, MqttConfig config) {
    store = Store.open(storeConfig, processor, clock, new RetentionPolicy(null, null, 0, 0));
    ingest = MqttIngest.start(config, store, clock);
  }

  @AfterEach
  void stopAll() {
    for (Mqtt5BlockingClient c : clients) {
      try {
        if (c.getState().isConnected()) {
          c.disconnect();
        }
      } catch (RuntimeException e) {
        // already gone
      }
    }
    if (ingest != null) {
      ingest.close();
    }
    if (store != null) {
      store.close();
    }
  }

  Mqtt5BlockingClient device(String clientId) {
    Mqtt5BlockingClient c =
        Mqtt5Client.builder()
            .identifier(clientId)
            .serverHost("127.0.0.1")
            .serverPort(ingest.port())
            .buildBlocking();
    c.connect();
    clients.add(c);
    return c;
  }

  /**
   * A connected device whose CONNECT presence is written: tests that then take SQLite's write lock
   * must not hold that write (it runs first on the connection's serial executor) behind the lock.
   */
  Mqtt5BlockingClient deviceRecorded(String clientId) {
    Mqtt5BlockingClient c = device(clientId);
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(() -> store.devices().find(clientId).isPresent());
    return c;
  }

  static Mqtt5PublishResult publish(Mqtt5BlockingClient c, String topic, byte[] payload, int qos) {
    return c.publishWith().topic(topic).qos(MqttQos.fromCode(qos)).payload(payload).send();
  }

  /** The PUBACK, whatever its reason code (the client reports error codes as exceptions). */
  static Mqtt5PubAck pubAck(Mqtt5BlockingClient c, String topic, byte[] payload) {
    try {
      return ((Mqtt5PublishResult.Mqtt5Qos1Result) publish(c, topic, payload, 1)).getPubAck();
    } catch (Mqtt5PubAckException e) {
      return e.getMqttMessage();
    }
  }

  /** The PUBACK reason code of a completed QoS 1 publish, -1 while pending (or no PUBACK). */
  static int code(CompletableFuture<Mqtt5PublishResult> f) {
    if (!f.isDone()) {
      return -1;
    }
    try {
      return ((Mqtt5PublishResult.Mqtt5Qos1Result) f.join()).getPubAck().getReasonCode().getCode();
    } catch (CompletionException e) {
      return e.getCause() instanceof Mqtt5PubAckException p
          ? p.getMqttMessage().getReasonCode().getCode()
          : -1;
    }
  }

  long rawCount() {
    return store.retention().usage().rawCount();
  }

  List<StoredMeasurement> measurements() throws Exception {
    store.pipeline().drain();
    return store.measurements().find(Fixtures.ALL);
  }

  List<QuarantineEntry> quarantine() throws Exception {
    store.pipeline().drain();
    return store.quarantine().open(1_000);
  }

  byte[] quarantinedBytes(QuarantineEntry e) {
    return store.quarantine().raw(e.rawSeq()).orElseThrow().message().payload();
  }

  List<Raw> journal() throws Exception {
    List<Raw> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db());
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT id, content_type, source, device_identity, size FROM raw_message ORDER BY"
                    + " seq")) {
      while (rs.next()) {
        out.add(
            new Raw(
                rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5)));
      }
    }
    return out;
  }
}
