package org.vitalbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What client libraries will not send: retransmits with DUP in the same connection and after a
 * reconnect, a PUBREL for an exchange of an earlier connection, MQTT 3.1.1 — as raw packets.
 */
class RawPacketIT extends EmbeddedSupport {
  static final String TOPIC = "devices/ACME-1/acme-bedside";

  @Test
  void aQos1RetransmitWithDupIsAnsweredAgainAndStoredOnce() throws Exception {
    start(embedded());
    byte[] reading = Fixtures.reading("ACME-1", 0);
    try (RawMqtt c = new RawMqtt(ingest.port())) {
      assertThat(c.connect("ACME-1").connackCode()).isZero();

      c.publish(TOPIC, reading, 1, 7, false);
      RawMqtt.Packet first = c.read();
      c.publish(TOPIC, reading, 1, 7, true);
      RawMqtt.Packet second = c.read();

      assertThat(first.type()).isEqualTo(RawMqtt.PUBACK);
      assertThat(second.type()).isEqualTo(RawMqtt.PUBACK);
      assertThat(first.packetId()).isEqualTo(7);
      assertThat(second.packetId()).isEqualTo(7);
      assertThat(first.pubReasonCode()).isZero();
      assertThat(second.pubReasonCode()).isZero();
    }
    assertThat(rawCount()).isEqualTo(1);
    assertThat(measurements()).hasSize(2);
  }

  @Test
  void aQos1RetransmitAfterAReconnectIsStoredOnce() throws Exception {
    start(embedded());
    byte[] reading = Fixtures.reading("ACME-1", 0);
    try (RawMqtt c = new RawMqtt(ingest.port())) {
      c.connect("ACME-1", false, 5, null);
      c.publish(TOPIC, reading, 1, 3, false);
      assertThat(c.read().type()).isEqualTo(RawMqtt.PUBACK);
    }
    try (RawMqtt c = new RawMqtt(ingest.port())) {
      RawMqtt.Packet connack = c.connect("ACME-1", false, 5, null);
      // No state is kept, yet a resuming client is told it has a session: it must resend what
      // it did not see answered instead of discarding it.
      assertThat(connack.body()[0] & 0x01).isEqualTo(1);
      c.publish(TOPIC, reading, 1, 3, true);
      RawMqtt.Packet again = c.read();
      assertThat(again.type()).isEqualTo(RawMqtt.PUBACK);
      assertThat(again.pubReasonCode()).isZero();
    }
    assertThat(rawCount()).isEqualTo(1);
    assertThat(measurements()).hasSize(2);
  }

  @Test
  void aQos2RetransmitBeforePubrelIsAnsweredAgainAndStoredOnce() throws Exception {
    start(embedded());
    byte[] reading = Fixtures.reading("ACME-1", 0);
    try (RawMqtt c = new RawMqtt(ingest.port())) {
      c.connect("ACME-1");

      c.publish(TOPIC, reading, 2, 9, false);
      RawMqtt.Packet pubrec = c.read();
      c.publish(TOPIC, reading, 2, 9, true);
      RawMqtt.Packet pubrecAgain = c.read();
      c.pubrel(9);
      RawMqtt.Packet pubcomp = c.read();

      assertThat(pubrec.type()).isEqualTo(RawMqtt.PUBREC);
      assertThat(pubrecAgain.type()).isEqualTo(RawMqtt.PUBREC);
      assertThat(pubrecAgain.packetId()).isEqualTo(9);
      assertThat(pubcomp.type()).isEqualTo(RawMqtt.PUBCOMP);
      assertThat(pubcomp.packetId()).isEqualTo(9);
    }
    assertThat(rawCount()).isEqualTo(1);
    assertThat(measurements()).hasSize(2);
  }

  @Test
  void aPubrelFromAnEarlierConnectionIsCompleted() throws Exception {
    start(embedded());
    try (RawMqtt c = new RawMqtt(ingest.port())) {
      c.connect("ACME-1", false, 5, null);
      c.publish(TOPIC, Fixtures.reading("ACME-1", 0), 2, 11, false);
      assertThat(c.read().type()).isEqualTo(RawMqtt.PUBREC);
      // connection lost before the PUBREL
    }
    try (RawMqtt c = new RawMqtt(ingest.port())) {
      c.connect("ACME-1", false, 5, null);
      c.pubrel(11);
      RawMqtt.Packet pubcomp = c.read();
      assertThat(pubcomp.type()).isEqualTo(RawMqtt.PUBCOMP);
      assertThat(pubcomp.packetId()).isEqualTo(11);
    }
    assertThat(rawCount()).isEqualTo(1);
  }

  @Test
  void aQos2MessageThatCannotBeStoredIsNeverPubreced() throws Exception {
    start(embedded().withCommitTimeout(Duration.ofMillis(300)));
    try (RawMqtt c = new RawMqtt(ingest.port());
        Connection writer = DriverManager.getConnection("jdbc:sqlite:" + db());
        Statement st = writer.createStatement()) {
      c.connect("ACME-1");
      st.execute("BEGIN IMMEDIATE");
      c.publish(TOPIC, Fixtures.reading("ACME-1", 0), 2, 5, false);

      // Vert.x would send the PUBREC without its reason code, which reads as success: the
      // endpoint disconnects with the code instead, so the device resends on its next connection.
      RawMqtt.Packet answer = c.read();
      st.execute("ROLLBACK");

      assertThat(answer.type()).isEqualTo(RawMqtt.DISCONNECT);
      assertThat(answer.disconnectCode()).isEqualTo(0x80);
      assertThat(c.closedByPeer()).isTrue();
    }
  }

  @Test
  void aPacketOverTheAnnouncedMaximumEndsTheConnectionWith0x95() throws Exception {
    start(embedded().withMaxPayloadBytes(1_024));
    try (RawMqtt c = new RawMqtt(ingest.port())) {
      c.connect("ACME-1");
      c.publish(TOPIC, new byte[EmbeddedEndpoint.packetLimit(1_024) + 1], 1, 1, false);

      RawMqtt.Packet answer = c.read();

      assertThat(answer.type()).isEqualTo(RawMqtt.DISCONNECT);
      assertThat(answer.disconnectCode()).isEqualTo(0x95);
    }
    assertThat(rawCount()).isZero();
  }

  @Test
  void moreUnansweredMessagesThanTheReceiveMaximumEndTheConnectionWith0x93() throws Exception {
    start(embedded());
    try (RawMqtt c = new RawMqtt(ingest.port());
        Connection writer = DriverManager.getConnection("jdbc:sqlite:" + db());
        Statement st = writer.createStatement()) {
      c.connect("ACME-1");
      st.execute("BEGIN IMMEDIATE");
      for (int i = 1; i <= EmbeddedEndpoint.RECEIVE_MAXIMUM + 1; i++) {
        c.publish(TOPIC, Fixtures.reading("ACME-1", i * 1_000L), 1, i, false);
      }

      RawMqtt.Packet answer = c.read();
      st.execute("ROLLBACK");

      assertThat(answer.type()).isEqualTo(RawMqtt.DISCONNECT);
      assertThat(answer.disconnectCode()).isEqualTo(0x93);
    }
  }

  @Test
  void connectionsBeyondMaxConnectionsAreRefusedQuotaExceeded() throws Exception {
    start(embedded().withEmbedded(new MqttConfig.Embedded("127.0.0.1", 0, 1, null)));
    try (RawMqtt first = new RawMqtt(ingest.port());
        RawMqtt second = new RawMqtt(ingest.port())) {
      assertThat(first.connect("ACME-1").connackCode()).isZero();

      RawMqtt.Packet refused = second.connect("ACME-2");

      assertThat(refused.type()).isEqualTo(RawMqtt.CONNACK);
      assertThat(refused.connackCode()).isEqualTo(0x97);
    }
  }

  @Test
  void subscribeIsRefusedNotAuthorized() throws Exception {
    start(embedded());
    try (RawMqtt c = new RawMqtt(ingest.port())) {
      c.connect("ACME-1");
      c.subscribe(21, "devices/#");
      RawMqtt.Packet suback = c.read();

      assertThat(suback.type()).isEqualTo(RawMqtt.SUBACK);
      assertThat(suback.packetId()).isEqualTo(21);
      // packet id, property length + properties (the reason string), then one code per filter
      assertThat(suback.body()[suback.body().length - 1] & 0xff).isEqualTo(0x87);
    }
  }

  @Test
  void mqtt311ClientsAreAcknowledgedWithoutReasonCodes() throws Exception {
    start(embedded());
    try (RawMqtt c = new RawMqtt(ingest.port())) {
      RawMqtt.Packet connack = c.connect("legacy-1", true, 4, null);
      assertThat(connack.type()).isEqualTo(RawMqtt.CONNACK);
      assertThat(connack.connackCode()).isZero();

      c.publish(TOPIC, Fixtures.reading("ACME-1", 0), 1, 1, false, false);
      RawMqtt.Packet puback = c.read();
      c.publish("unknown/topic", Fixtures.reading("ACME-1", 0), 1, 2, false, false);
      RawMqtt.Packet refused = c.read();

      assertThat(puback.type()).isEqualTo(RawMqtt.PUBACK);
      assertThat(puback.body()).hasSize(2);
      // Kept in quarantine, so acknowledged (3.1.1 has no way to say more).
      assertThat(refused.type()).isEqualTo(RawMqtt.PUBACK);
      assertThat(refused.packetId()).isEqualTo(2);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> rawCount() == 2);
    assertThat(measurements()).hasSize(2);
  }
}
