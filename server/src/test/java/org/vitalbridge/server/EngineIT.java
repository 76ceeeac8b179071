package org.vitalbridge.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.server.config.ConfigLoader;

/**
 * The engine as {@code run} wires it, over real sockets: a device publishing over MQTT 5 to the
 * embedded endpoint is stored and seen live by a dashboard on the WebSocket stream; an MQTT port
 * that is taken leaves the rest running, reported by {@code /health}, until it is free.
 */
class EngineIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private Map<String, String> env(int mqttPort) {
    Map<String, String> env = new HashMap<>();
    env.put("VITALBRIDGE_STORE_SQLITEFILE", tmp.resolve("vb.db").toString());
    env.put("VITALBRIDGE_TEMPLATES", Path.of("..", "config", "templates").toString());
    env.put("VITALBRIDGE_HTTP_PORT", "0");
    env.put("VITALBRIDGE_HL7_MLLP_PORT", "0");
    env.put("VITALBRIDGE_MQTT_EMBEDDED_PORT", Integer.toString(mqttPort));
    env.put("VITALBRIDGE_MQTT_RETRYINTERVAL", "PT0.2S");
    return env;
  }

  @Test
  void anMqttPublishIsStoredAndStreamedLiveToADashboard() throws Exception {
    StringBuilder shown = new StringBuilder();
    try (Engine engine =
        Engine.start(ConfigLoader.load(null, env(0)), Clock.systemUTC(), shown::append)) {
      HttpClient http = HttpClient.newHttpClient();
      List<String> frames = new CopyOnWriteArrayList<>();
      WebSocket dashboard =
          http.newWebSocketBuilder()
              .header("Authorization", "Bearer " + ShownTokens.admin(shown.toString()))
              .buildAsync(
                  URI.create(
                      "ws://127.0.0.1:" + engine.httpPort() + "/api/v1/stream?device=ACME-0042"),
                  new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(
                        WebSocket ws, CharSequence data, boolean last) {
                      frames.add(data.toString());
                      ws.request(1);
                      return null;
                    }
                  })
              .get(10, TimeUnit.SECONDS);
      assertThat(publishAcme(engine.mqttPort(), "ACME-0042"))
          .isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);

      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(() -> assertThat(frames).hasSizeGreaterThanOrEqualTo(6));
      JsonNode first = JSON.readTree(frames.get(0));
      assertThat(first.get("device").asText()).isEqualTo("ACME-0042");
      assertThat(first.get("adapter").asText()).isEqualTo("mqtt");
      assertThat(first.get("bed").asText()).isEqualTo("ICU-3");
      assertThat(engine.store().devices().find("ACME-0042")).isPresent();
      dashboard.abort();

      HttpResponse<String> health =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + engine.httpPort() + "/health"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(health.body()).at("/adapters/mqtt").asText()).isEqualTo("UP");
    }
  }

  @Test
  void aTakenMqttPortDegradesHealthAndIsRetriedUntilFree() throws Exception {
    ServerSocket squatter = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    int port = squatter.getLocalPort();
    try (Engine engine = Engine.start(ConfigLoader.load(null, env(port)), Clock.systemUTC())) {
      HttpClient http = HttpClient.newHttpClient();
      URI healthUri = URI.create("http://127.0.0.1:" + engine.httpPort() + "/health");
      HttpResponse<String> degraded =
          http.send(
              HttpRequest.newBuilder(healthUri).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(degraded.statusCode()).isEqualTo(503);
      JsonNode body = JSON.readTree(degraded.body());
      assertThat(body.get("status").asText()).isEqualTo("DEGRADED");
      assertThat(body.at("/adapters/mqtt").asText()).isEqualTo("DOWN");
      assertThat(body.at("/adapters/mllp").asText()).isEqualTo("UP");

      squatter.close();
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(() -> assertThat(engine.mqttPort()).isEqualTo(port));
      HttpResponse<String> up =
          http.send(
              HttpRequest.newBuilder(healthUri).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(up.statusCode()).isEqualTo(200);
      assertThat(publishAcme(port, "late-device")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
    } finally {
      squatter.close();
    }
  }

  /** Publishes the ACME example at QoS 1 and returns the PUBACK's reason code. */
  private static Mqtt5PubAckReasonCode publishAcme(int port, String clientId) throws Exception {
    Mqtt5BlockingClient device =
        Mqtt5Client.builder()
            .identifier(clientId)
            .serverHost("127.0.0.1")
            .serverPort(port)
            .buildBlocking();
    device.connect();
    try {
      Mqtt5PublishResult result =
          device
              .publishWith()
              .topic("devices/ACME-0042/acme-bedside")
              .qos(MqttQos.AT_LEAST_ONCE)
              .payload(Files.readAllBytes(Path.of("..", "examples", "acme-bedside.json")))
              .send();
      return ((Mqtt5PublishResult.Mqtt5Qos1Result) result).getPubAck().getReasonCode();
    } finally {
      device.disconnect();
    }
  }
}
