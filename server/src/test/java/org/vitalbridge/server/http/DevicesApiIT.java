package org.vitalbridge.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Devices with presence and last seen, and the liveness/readiness probes, over real HTTP. */
class DevicesApiIT {
  @TempDir Path tmp;

  private static HttpResponse<byte[]> get(ApiFixture f, String path) throws Exception {
    return f.http.send(
        HttpRequest.newBuilder(f.uri(path)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void aDeviceThatSentDataIsListedWithItsPresenceAndLastSeen() throws Exception {
    try (ApiFixture f = ApiFixture.start(tmp)) {
      Instant ts = Instant.parse("2026-11-24T10:15:00Z");
      assertThat(
              f.post(
                      "/api/v1/ingest/acme-bedside",
                      "application/json",
                      ApiFixture.utf8(ApiFixture.acmeVitals("ACME-7", "ICU-1", ts)))
                  .statusCode())
          .isEqualTo(202);

      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                HttpResponse<byte[]> list = get(f, "/api/v1/devices");
                assertThat(list.statusCode()).isEqualTo(200);
                assertThat(list.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
                JsonNode devices = ApiFixture.json(list).get("devices");
                assertThat(devices).hasSize(1);
                assertThat(devices.get(0).get("id").asText()).isEqualTo("ACME-7");
                assertThat(devices.get(0).get("lastSeen").isNull()).isFalse();
              });
      // After the pipeline stored its measurements, the device's connection drops (an MQTT will).
      Instant wentOffline = f.clock.instant().truncatedTo(ChronoUnit.MICROS);
      f.store.devices().presence("ACME-7", "mqtt", false, wentOffline, "will");
      JsonNode one = ApiFixture.json(get(f, "/api/v1/devices/ACME-7"));
      assertThat(one.get("state").asText()).isEqualTo("offline");
      assertThat(one.get("stateReason").asText()).isEqualTo("will");
      assertThat(one.get("adapter").asText()).isEqualTo("mqtt");
      assertThat(Instant.parse(one.get("stateChangedAt").asText())).isEqualTo(wentOffline);
    }
  }

  @Test
  void anUnknownDeviceIsAProblem() throws Exception {
    try (ApiFixture f = ApiFixture.start(tmp)) {
      ApiFixture.assertProblem(get(f, "/api/v1/devices/NOPE-1"), 404, "unknown-device");
    }
  }

  @Test
  void livenessIsUpAndReadinessFollowsTheAdapters() throws Exception {
    try (ApiFixture f = ApiFixture.start(tmp)) {
      assertThat(get(f, "/health/live").statusCode()).isEqualTo(200);
      assertThat(get(f, "/health/ready").statusCode()).isEqualTo(200);
      boolean[] mqttUp = {false};
      try (HttpApi second =
          HttpApi.start(
              HttpApiConfig.defaults().withAddress("127.0.0.1", 0),
              f.store,
              f.clock,
              Map.of("mqtt", () -> mqttUp[0]))) {
        URI ready = URI.create("http://127.0.0.1:" + second.port() + "/health/ready");
        HttpResponse<String> down =
            f.http.send(
                HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).contains("DOWN");
        URI live = URI.create("http://127.0.0.1:" + second.port() + "/health/live");
        assertThat(
                f.http
                    .send(
                        HttpRequest.newBuilder(live).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode())
            .isEqualTo(200);
        mqttUp[0] = true;
        assertThat(
                f.http
                    .send(
                        HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode())
            .isEqualTo(200);
      }
    }
  }
}
