package org.vitalbridge.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the packaged jar as a real process: {@code run}, HTTP ingest, health, graceful stop. */
class RunCommandIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private Process process;
  private int mllpPort;

  @AfterEach
  void stop() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private Process start(Path dir, int port) throws IOException {
    mllpPort = freePort();
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                ROOT.resolve("server/target/vitalbridge.jar").toString(),
                "run")
            .directory(ROOT.toFile())
            // The log (stderr) apart from what is shown once on stdout: the admin token.
            .redirectError(dir.resolve("err.log").toFile())
            .redirectOutput(dir.resolve("out.log").toFile());
    pb.environment().put("VITALBRIDGE_HTTP_PORT", Integer.toString(port));
    pb.environment().put("VITALBRIDGE_HL7_MLLP_PORT", Integer.toString(mllpPort));
    pb.environment().put("VITALBRIDGE_STORE_SQLITEFILE", dir.resolve("vb.db").toString());
    // No MQTT endpoint: the test must not need port 1883.
    pb.environment().put("VITALBRIDGE_MQTT_MODE", "off");
    return pb.start();
  }

  private static final String ACME = "/api/v1/ingest/acme-bedside";

  private String token;

  private HttpResponse<String> post(int port, String type, byte[] body)
      throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + ACME))
            .header("Content-Type", type)
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Numeric OBX rows in examples/pcd01-oru.hl7. */
  private static final int PCD01_EXAMPLE_OBX = 4;

  /** One PCD-01 message over MLLP (VT … FS CR), its acknowledgment back. */
  private String sendMllp(String er7) throws IOException {
    byte[] payload = er7.replace("\r\n", "\r").replace('\n', '\r').getBytes(StandardCharsets.UTF_8);
    try (Socket s = new Socket("127.0.0.1", mllpPort)) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(0x0b);
      out.write(payload);
      out.write(new byte[] {0x1c, 0x0d});
      out.flush();
      ByteArrayOutputStream ack = new ByteArrayOutputStream();
      int b;
      while ((b = s.getInputStream().read()) != -1 && b != 0x1c) {
        ack.write(b);
      }
      return ack.toString(StandardCharsets.UTF_8);
    }
  }

  private static JsonNode health(int port) throws IOException, InterruptedException {
    return JSON.readTree(
        HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  @Test
  void startsWithEmbeddedDefaultsIngestsAndStopsCleanly(@TempDir Path dir) throws Exception {
    int port = freePort();
    process = start(dir, port);
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(() -> health(port).get("status").asText().equals("UP"));
    // auth.mode local: the first start shows an admin token once, on stdout, never in the log.
    String stdout = Files.readString(dir.resolve("out.log"));
    token = org.vitalbridge.server.ShownTokens.admin(stdout);
    assertThat(Files.readString(dir.resolve("err.log"))).doesNotContain(token);
    HttpResponse<String> anonymous =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + ACME))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);

    HttpResponse<String> accepted =
        post(
            port,
            "application/json",
            Files.readAllBytes(ROOT.resolve("examples/acme-bedside.json")));
    HttpResponse<String> wrongType = post(port, "text/plain", "hello".getBytes());
    HttpResponse<String> tooLarge = post(port, "application/json", new byte[1_048_577]);
    String ack = sendMllp(Files.readString(ROOT.resolve("examples/pcd01-oru.hl7")));

    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    JsonNode items = JSON.readTree(accepted.body()).get("items");
    assertThat(items).hasSize(1);
    assertThat(items.get(0).get("measurementIds")).hasSize(6);
    assertThat(wrongType.statusCode()).isEqualTo(415);
    assertThat(wrongType.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(ack).contains("MSA|AA|");
    assertThat(JSON.readTree(tooLarge.body()).get("status").asInt()).isEqualTo(413);
    // The refused bodies are kept too (the too large one by its head), quarantined.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              JsonNode h = health(port);
              assertThat(h.get("measurements").asLong()).isEqualTo(6 + PCD01_EXAMPLE_OBX);
              assertThat(h.get("openQuarantine").asLong()).isEqualTo(2);
              assertThat(h.get("rawMessages").asLong()).isEqualTo(4);
            });

    process.destroy();
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.readString(dir.resolve("err.log")))
        .contains("VitalBridge running")
        .contains("stopping VitalBridge")
        .doesNotContain("ACME-0042")
        .doesNotContain(token);
  }

  @Test
  void aSecondInstanceOnTheSameStoreFailsWithAClearMessage(@TempDir Path dir) throws Exception {
    int port = freePort();
    process = start(dir, port);
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> health(port) != null);

    Path second = Files.createDirectory(dir.resolve("second"));
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                ROOT.resolve("server/target/vitalbridge.jar").toString(),
                "run")
            .directory(ROOT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(second.resolve("out.log").toFile());
    pb.environment().put("VITALBRIDGE_HTTP_PORT", Integer.toString(freePort()));
    pb.environment().put("VITALBRIDGE_HL7_MLLP_PORT", Integer.toString(freePort()));
    pb.environment().put("VITALBRIDGE_STORE_SQLITEFILE", dir.resolve("vb.db").toString());
    pb.environment().put("VITALBRIDGE_MQTT_MODE", "off");
    Process other = pb.start();

    assertThat(other.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(other.exitValue()).isEqualTo(2);
    assertThat(Files.readString(second.resolve("out.log")))
        .contains("in use by another VitalBridge process")
        .doesNotContain("\tat org.");
  }
}
