package org.vitalbridge.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.core.ConfigurationException;
import org.vitalbridge.server.config.ConfigLoader;
import org.vitalbridge.store.MeasurementQuery;
import org.vitalbridge.store.QuarantineEntry;
import org.vitalbridge.store.StoredMeasurement;

/**
 * The device protocols as {@code run} wires them: a BLE hub forwarding GATT notifications over the
 * embedded MQTT endpoint and over HTTP, an IEEE 11073-20601 agent over TCP, serial ports from the
 * configuration.
 */
class DevicesEngineIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MeasurementQuery ALL =
      new MeasurementQuery(
          null,
          null,
          null,
          Instant.parse("2000-01-01T00:00:00Z"),
          Instant.parse("2100-01-01T00:00:00Z"),
          1000);

  @TempDir Path tmp;

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("VITALBRIDGE_STORE_SQLITEFILE", tmp.resolve("vb.db").toString());
    env.put("VITALBRIDGE_TEMPLATES", Path.of("..", "config", "templates").toString());
    env.put("VITALBRIDGE_HTTP_PORT", "0");
    env.put("VITALBRIDGE_HL7_MLLP_PORT", "0");
    env.put("VITALBRIDGE_MQTT_EMBEDDED_PORT", "0");
    env.put("VITALBRIDGE_HARMONIZER_DEFAULTZONE", "America/New_York");
    env.put("VITALBRIDGE_DEVICES_PHD_ENABLED", "true");
    env.put("VITALBRIDGE_DEVICES_PHD_PORT", "0");
    return env;
  }

  @Test
  void aBleHubPublishingOverMqttGetsDecodedHarmonizedMeasurements() throws Exception {
    try (Engine engine = Engine.start(ConfigLoader.load(null, env()), Clock.systemUTC())) {
      // Blood pressure in kPa with a time stamp (2026-11-24 05:15:00 device time) and a pulse
      // rate, then a heart-rate notification whose value is an SFLOAT NaN in a BP: no number.
      String batch =
          "["
              + notification(
                  "AA:BB:CC:DD:EE:01", "2A35", "07 F1 F0 A0 F0 C8 F0 EA 07 0B 18 05 0F 00 48 00")
              + ","
              + notification("aa-bb-cc-dd-ee-02", "2A35", "00 FF 07 FF 07 FF 07")
              + "]";
      assertThat(publish(engine.mqttPort(), "devices/hub-7/ble-gatt", batch))
          .isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);

      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(() -> assertThat(engine.store().measurements().find(ALL)).hasSize(4));
      List<StoredMeasurement> stored = engine.store().measurements().find(ALL);
      assertThat(stored)
          .extracting(StoredMeasurement::device, StoredMeasurement::refId, StoredMeasurement::unit)
          .containsOnly(
              org.assertj.core.groups.Tuple.tuple(
                  "AA:BB:CC:DD:EE:01", "MDC_PRESS_BLD_NONINV_SYS", "mm[Hg]"),
              org.assertj.core.groups.Tuple.tuple(
                  "AA:BB:CC:DD:EE:01", "MDC_PRESS_BLD_NONINV_DIA", "mm[Hg]"),
              org.assertj.core.groups.Tuple.tuple(
                  "AA:BB:CC:DD:EE:01", "MDC_PRESS_BLD_NONINV_MEAN", "mm[Hg]"),
              org.assertj.core.groups.Tuple.tuple(
                  "AA:BB:CC:DD:EE:01", "MDC_PULS_RATE_NON_INV", "/min"));
      StoredMeasurement systolic =
          stored.stream()
              .filter(m -> m.refId().equals("MDC_PRESS_BLD_NONINV_SYS"))
              .findFirst()
              .orElseThrow();
      // 24.1 kPa = 180.8 mmHg; device local time resolved in the configured zone.
      assertThat(Double.parseDouble(systolic.value())).isBetween(180.7, 180.9);
      assertThat(systolic.observedAt()).isEqualTo(Instant.parse("2026-11-24T10:15:00Z"));

      // The all-NaN reading is kept visible with its reason, never stored as a number.
      assertThat(engine.store().quarantine().open(10))
          .extracting(QuarantineEntry::reason)
          .contains("no-value");
    }
  }

  @Test
  void aBleHubPostingOverHttpIsAnsweredWithTheMeasurementIds() throws Exception {
    StringBuilder shown = new StringBuilder();
    try (Engine engine =
        Engine.start(ConfigLoader.load(null, env()), Clock.systemUTC(), shown::append)) {
      HttpResponse<String> answer =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:" + engine.httpPort() + "/api/v1/ingest/ble-gatt"))
                      .header("Content-Type", "application/json")
                      .header("Authorization", "Bearer " + ShownTokens.admin(shown.toString()))
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              notification("AA:BB:CC:DD:EE:03", "2A37", "10 48 00 04")))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
      // Heart rate 72 and one RR interval of 1024/1024 s.
      assertThat(JSON.readTree(answer.body()).at("/items/0/measurementIds")).hasSize(2);
    }
  }

  @Test
  void anIeee11073AgentAssociatesReportsAndIsAnsweredAfterTheCommit() throws Exception {
    try (Engine engine = Engine.start(ConfigLoader.load(null, env()), Clock.systemUTC());
        Socket agent = new Socket("127.0.0.1", engine.phdPort())) {
      agent.setSoTimeout(10_000);
      OutputStream out = agent.getOutputStream();
      DataInputStream in = new DataInputStream(agent.getInputStream());
      // AARQ of a 10404 pulse oximeter, standard configuration 0x0190 (system id 1122…88).
      out.write(
          hex(
              "E2 00 00 32 80 00 00 00 00 01 00 2A 50 79 00 26 80 00 00 00 A0 00 80 00 00 00 00"
                  + " 00 00 00 00 80 00 00 00 08 11 22 33 44 55 66 77 88 01 90 00 01 01 00 00 00"
                  + " 00 00"));
      byte[] aare = apdu(in);
      assertThat(aare[0] & 0xff).isEqualTo(0xE3);
      assertThat(aare[4] << 8 | aare[5]).as("accepted").isZero();
      // A confirmed fixed scan report: SpO2 97 %, pulse 72 /min at 2007-12-06 12:10.
      out.write(
          hex(
              "E7 00 00 36 00 34 12 36 01 01 00 2E 00 00 00 00 00 00 0D 1D 00 24 F0 00 00 00 00"
                  + " 02 00 1C 00 01 00 0A 00 61 20 07 12 06 12 10 00 00 00 0A 00 0A 00 48 20 07"
                  + " 12 06 12 10 00 00"));
      byte[] answer = apdu(in);
      assertThat(answer[0] & 0xff).isEqualTo(0xE7);
      // Answered only after the journal commit: the raw report is there when the answer arrives.
      assertThat(
              engine
                  .store()
                  .rawMessages()
                  .find(
                      new org.vitalbridge.store.RawMessageQuery(
                          null,
                          null,
                          Instant.parse("2000-01-01T00:00:00Z"),
                          Instant.parse("2100-01-01T00:00:00Z"),
                          0,
                          10)))
          .extracting(r -> r.message().adapter())
          .contains("phd");
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(engine.store().measurements().find(ALL))
                      .extracting(StoredMeasurement::device, StoredMeasurement::refId)
                      .containsExactlyInAnyOrder(
                          org.assertj.core.groups.Tuple.tuple(
                              "11-22-33-44-55-66-77-88", "MDC_PULS_OXIM_SAT_O2"),
                          org.assertj.core.groups.Tuple.tuple(
                              "11-22-33-44-55-66-77-88", "MDC_PULS_OXIM_PULS_RATE")));
    }
  }

  @Test
  void aSerialPortWithAnUnknownProtocolStopsStartUpNamingTheKey() throws Exception {
    Path file = tmp.resolve("vb.yaml");
    java.nio.file.Files.writeString(
        file,
        "devices:\n  serial:\n    - port: /dev/ttyVB-none\n      protocol: no-such-protocol\n");
    assertThatThrownBy(() -> Engine.start(ConfigLoader.load(file, env()), Clock.systemUTC()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("devices.serial[0].protocol")
        .hasMessageContaining("oximeter-tagged-ascii");
  }

  @Test
  void aSerialPortThatIsNotPluggedInIsReportedDownWhileTheRestRuns() throws Exception {
    Path file = tmp.resolve("vb.yaml");
    java.nio.file.Files.writeString(
        file,
        "devices:\n  serial:\n    - port: "
            + tmp.resolve("ttyVB-absent")
            + "\n      protocol: oximeter-spo2-hr\n      deviceId: OX-1\n      baud: 9600\n");
    try (Engine engine = Engine.start(ConfigLoader.load(file, env()), Clock.systemUTC())) {
      HttpResponse<String> health =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + engine.httpPort() + "/health"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      JsonNode adapters = JSON.readTree(health.body()).get("adapters");
      assertThat(adapters.get("serial:" + tmp.resolve("ttyVB-absent")).asText()).isEqualTo("DOWN");
      assertThat(adapters.get("phd").asText()).isEqualTo("UP");
    }
  }

  private static String notification(String device, String characteristic, String hex) {
    return "{\"hub\":\"hub-7\",\"device\":\""
        + device
        + "\",\"characteristic\":\""
        + characteristic
        + "\",\"value\":\""
        + hex
        + "\",\"receivedAt\":\"2026-11-24T10:15:58Z\"}";
  }

  private static Mqtt5PubAckReasonCode publish(int port, String topic, String payload) {
    Mqtt5BlockingClient hub =
        Mqtt5Client.builder()
            .identifier("hub-7")
            .serverHost("127.0.0.1")
            .serverPort(port)
            .buildBlocking();
    hub.connect();
    try {
      Mqtt5PublishResult result =
          hub.publishWith()
              .topic(topic)
              .qos(MqttQos.AT_LEAST_ONCE)
              .payload(payload.getBytes(StandardCharsets.UTF_8))
              .send();
      return ((Mqtt5PublishResult.Mqtt5Qos1Result) result).getPubAck().getReasonCode();
    } finally {
      hub.disconnect();
    }
  }

  private static byte[] hex(String text) {
    return HexFormat.of().parseHex(text.replace(" ", ""));
  }

  /** One APDU: 2-byte choice, 2-byte length, body. */
  private static byte[] apdu(DataInputStream in) throws Exception {
    byte[] head = in.readNBytes(4);
    int length = (head[2] & 0xff) << 8 | (head[3] & 0xff);
    byte[] body = in.readNBytes(length);
    byte[] all = new byte[4 + length];
    System.arraycopy(head, 0, all, 0, 4);
    System.arraycopy(body, 0, all, 4, length);
    return all;
  }
}
