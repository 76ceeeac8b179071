package org.vitalbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PayloadFormatIndicator;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * MQTT 5 features real device stacks use and a hand-written device would not: topic aliases, the
 * payload format indicator, retained and empty publishes, long topics.
 */
class MqttClientsIT extends EmbeddedSupport {
  static final String TOPIC = "devices/ACME-1/acme-bedside";

  /** MQTT 5 §3.3.2.3.4: the first PUBLISH sets an alias, later ones send only the alias. */
  @Test
  void aTopicAliasStandsForItsTopicOnLaterPublishes() throws Exception {
    start(embedded());
    try (RawMqtt c = new RawMqtt(ingest.port())) {
      RawMqtt.Packet connack = c.connect("ACME-1");
      assertThat(connack.connackCode()).isZero();

      c.publishWithProperties(TOPIC, alias(3), Fixtures.reading("ACME-1", 0), 1, 1);
      RawMqtt.Packet first = c.read();
      c.publishWithProperties("", alias(3), Fixtures.reading("ACME-1", 1_000), 1, 2);
      RawMqtt.Packet second = c.read();

      assertThat(first.type()).isEqualTo(RawMqtt.PUBACK);
      assertThat(first.pubReasonCode()).isZero();
      assertThat(second.type()).isEqualTo(RawMqtt.PUBACK);
      assertThat(second.pubReasonCode()).isZero();
    }
    assertThat(journal()).hasSize(2).allSatisfy(r -> assertThat(r.source()).startsWith(TOPIC));
    assertThat(quarantine()).isEmpty();
  }

  @Test
  void anUnknownOrOutOfRangeTopicAliasEndsTheConnection() throws Exception {
    start(embedded());
    try (RawMqtt c = new RawMqtt(ingest.port())) {
      c.connect("ACME-1");
      c.publishWithProperties("", alias(5), Fixtures.reading("ACME-1", 0), 1, 1);

      RawMqtt.Packet answer = c.read();

      assertThat(answer.type()).isEqualTo(RawMqtt.DISCONNECT);
      assertThat(answer.disconnectCode()).isEqualTo(0x82);
    }
    try (RawMqtt c = new RawMqtt(ingest.port())) {
      c.connect("ACME-2");
      c.publishWithProperties(TOPIC, alias(60_000), Fixtures.reading("ACME-1", 0), 1, 1);

      RawMqtt.Packet answer = c.read();

      assertThat(answer.type()).isEqualTo(RawMqtt.DISCONNECT);
      assertThat(answer.disconnectCode()).isEqualTo(0x94);
    }
    assertThat(rawCount()).isZero();
  }

  /** A stack that uses aliases by itself once CONNACK allows them (HiveMQ's client does). */
  @Test
  void aClientThatAliasesRepeatedTopicsIsStoredUnderTheFullTopic() throws Exception {
    start(embedded());
    Mqtt5BlockingClient device = device("ACME-1");

    for (int i = 0; i < 3; i++) {
      publish(device, TOPIC, Fixtures.reading("ACME-1", i * 1_000), 1);
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> rawCount() == 3);
    assertThat(journal()).allSatisfy(r -> assertThat(r.source()).startsWith(TOPIC));
    assertThat(quarantine()).isEmpty();
  }

  /**
   * MQTT 5 §3.3.2.3.2: a payload declared UTF-8 (Payload Format Indicator 1) that is not may be
   * answered 0x99. An encoded surrogate (ED A0 80) is not UTF-8, though lenient JSON parsers read
   * it.
   */
  @Test
  void aPayloadDeclaredUtf8ThatIsNotIsAnswered0x99AndQuarantined() throws Exception {
    start(embedded());
    byte[] reading = Fixtures.reading("ACME-1", 0);
    ByteArrayOutputStream bad = new ByteArrayOutputStream();
    bad.write(reading, 0, reading.length - 1);
    bad.writeBytes(",\"note\":\"".getBytes(StandardCharsets.US_ASCII));
    bad.writeBytes(new byte[] {(byte) 0xC1, (byte) 0x81});
    bad.writeBytes("\"}".getBytes(StandardCharsets.US_ASCII));
    Mqtt5BlockingClient device = device("ACME-1");

    Mqtt5PubAck declared;
    try {
      declared =
          ((Mqtt5PublishResult.Mqtt5Qos1Result)
                  device
                      .publishWith()
                      .topic(TOPIC)
                      .qos(MqttQos.AT_LEAST_ONCE)
                      .payloadFormatIndicator(Mqtt5PayloadFormatIndicator.UTF_8)
                      .payload(bad.toByteArray())
                      .send())
              .getPubAck();
    } catch (Mqtt5PubAckException e) {
      declared = e.getMqttMessage();
    }

    assertThat(declared.getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.PAYLOAD_FORMAT_INVALID);
    assertThat(quarantine()).extracting(q -> q.reason()).containsExactly("malformed-payload");
    assertThat(measurements()).isEmpty();
  }

  @Test
  void retainedEmptyAndLongTopicPublishesAreAnsweredAndKept() throws Exception {
    start(embedded());
    Mqtt5BlockingClient device = device("ACME-1");

    Mqtt5PublishResult retained =
        device
            .publishWith()
            .topic(TOPIC)
            .qos(MqttQos.AT_LEAST_ONCE)
            .retain(true)
            .contentType("application/json")
            .userProperties()
            .add("site", "ICU")
            .applyUserProperties()
            .payload(Fixtures.reading("ACME-1", 0))
            .send();
    Mqtt5PubAck empty = pubAck(device, TOPIC, new byte[0]);
    Mqtt5PubAck longTopic =
        pubAck(device, "devices/" + "A".repeat(20_000) + "/acme-bedside", new byte[] {'{'});

    assertThat(((Mqtt5PublishResult.Mqtt5Qos1Result) retained).getPubAck().getReasonCode())
        .isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
    assertThat(empty.getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.PAYLOAD_FORMAT_INVALID);
    assertThat(longTopic.getReasonCode())
        .isIn(
            Mqtt5PubAckReasonCode.PAYLOAD_FORMAT_INVALID, Mqtt5PubAckReasonCode.TOPIC_NAME_INVALID);
    assertThat(device.getState().isConnected()).isTrue();
    assertThat(rawCount()).isEqualTo(3);
  }

  /** The Topic Alias property (0x23, two bytes). */
  private static byte[] alias(int alias) {
    return new byte[] {0x23, (byte) (alias >>> 8), (byte) alias};
  }
}
