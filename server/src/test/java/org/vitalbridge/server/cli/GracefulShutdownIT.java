package org.vitalbridge.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.core.harmonize.Harmonizer;
import org.vitalbridge.core.harmonize.HarmonizerSettings;
import org.vitalbridge.core.mapping.TemplateLoader;
import org.vitalbridge.core.pipeline.JsonTemplateDecoder;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.core.terminology.TerminologyLoader;
import org.vitalbridge.core.units.UnitResolver;
import org.vitalbridge.store.RetentionPolicy;
import org.vitalbridge.store.Store;
import org.vitalbridge.store.StoreConfig;

/**
 * SIGTERM while devices are sending: the packaged jar stops accepting, commits what it holds and
 * exits 143 (128 + SIGTERM, the JVM's convention); after a restart on the same data directory every
 * message answered 202 is in the store, measurements included. Logs are JSON lines ({@code
 * VITALBRIDGE_LOGGING_FORMAT=json}).
 */
class GracefulShutdownIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final int SENDERS = 4;

  private Process process;

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

  private static Process start(Path dir, int port, String name) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                ROOT.resolve("server/target/vitalbridge.jar").toString(),
                "run")
            .directory(ROOT.toFile())
            .redirectOutput(dir.resolve(name + ".out").toFile())
            .redirectError(dir.resolve(name + ".err").toFile());
    pb.environment().put("VITALBRIDGE_HTTP_PORT", Integer.toString(port));
    pb.environment().put("VITALBRIDGE_HL7_MLLP_PORT", Integer.toString(freePort()));
    pb.environment().put("VITALBRIDGE_STORE_SQLITEFILE", dir.resolve("vb.db").toString());
    pb.environment().put("VITALBRIDGE_MQTT_MODE", "off");
    pb.environment().put("VITALBRIDGE_LOGGING_FORMAT", "json");
    return pb.start();
  }

  private static int status(int port, String path) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException | InterruptedException e) {
      return -1;
    }
  }

  private static String payload(String device, Instant ts) {
    return "{\"model\":\"ACME-BM5\",\"deviceId\":\""
        + device
        + "\",\"bed\":\"ICU-1\",\"ts\":"
        + ts.toEpochMilli()
        + ",\"hr\":72,\"spo2\":97}";
  }

  @Test
  void sigtermLosesNothingAcknowledged(@TempDir Path dir) throws Exception {
    int port = freePort();
    process = start(dir, port, "first");
    await().atMost(Duration.ofSeconds(60)).until(() -> status(port, "/health/ready") == 200);
    // The first start prints the admin API token once, on stdout.
    String token =
        org.vitalbridge.server.ShownTokens.admin(
            java.nio.file.Files.readString(dir.resolve("first.out")));

    Set<String> ackedRaw = ConcurrentHashMap.newKeySet();
    Set<UUID> ackedMeasurements = ConcurrentHashMap.newKeySet();
    AtomicInteger sent = new AtomicInteger();
    CountDownLatch warmedUp = new CountDownLatch(50);
    Instant base = Instant.now().minusSeconds(60);
    ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
    for (int t = 0; t < SENDERS; t++) {
      String device = "SHUTDOWN-" + t;
      senders.submit(
          () -> {
            // Send until the engine stops answering; only 202 answers count as acknowledged.
            for (int failures = 0; failures < 3; ) {
              int n = sent.incrementAndGet();
              try {
                HttpResponse<String> r =
                    HTTP.send(
                        HttpRequest.newBuilder(
                                URI.create(
                                    "http://127.0.0.1:" + port + "/api/v1/ingest/acme-bedside"))
                            .header("Content-Type", "application/json")
                            .header("Authorization", "Bearer " + token)
                            .timeout(Duration.ofSeconds(30))
                            .POST(
                                HttpRequest.BodyPublishers.ofString(
                                    payload(device, base.plusMillis(n))))
                            .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 202) {
                  JsonNode item = JSON.readTree(r.body()).get("items").get(0);
                  ackedRaw.add(item.get("rawId").asText());
                  item.get("measurementIds")
                      .forEach(id -> ackedMeasurements.add(UUID.fromString(id.asText())));
                  warmedUp.countDown();
                } else {
                  failures++;
                }
              } catch (IOException e) {
                failures++;
              }
            }
            return null;
          });
    }
    assertThat(warmedUp.await(60, TimeUnit.SECONDS)).isTrue();

    process.destroy(); // SIGTERM on Linux
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    senders.shutdown();
    assertThat(senders.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(143);
    assertThat(ackedRaw).hasSizeGreaterThanOrEqualTo(50);

    List<String> log = Files.readAllLines(dir.resolve("first.err"));
    assertThat(log).isNotEmpty();
    for (String line : log) {
      JsonNode event = JSON.readTree(line);
      assertThat(event.has("timestamp") && event.has("level") && event.has("loggerName"))
          .as(line)
          .isTrue();
    }
    assertThat(log)
        .anySatisfy(l -> assertThat(l).contains("stopping VitalBridge"))
        .anySatisfy(l -> assertThat(l).contains("\"VitalBridge stopped\""))
        .noneSatisfy(l -> assertThat(l).contains("SHUTDOWN-"));

    // The restarted engine processes what was journaled but not yet processed at the stop.
    int again = freePort();
    process = start(dir, again, "second");
    await().atMost(Duration.ofSeconds(60)).until(() -> status(again, "/health/ready") == 200);
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(
            () ->
                JSON.readTree(
                            HTTP.send(
                                    HttpRequest.newBuilder(
                                            URI.create("http://127.0.0.1:" + again + "/health"))
                                        .build(),
                                    HttpResponse.BodyHandlers.ofString())
                                .body())
                        .get("measurements")
                        .asLong()
                    >= ackedMeasurements.size());
    process.destroy();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

    try (Store store =
        Store.open(
            StoreConfig.sqlite(dir.resolve("vb.db")),
            new MessageProcessor(
                List.of(
                    new JsonTemplateDecoder(
                        TemplateLoader.loadDirectory(ROOT.resolve("config/templates")))),
                new Harmonizer(
                    TerminologyLoader.shipped(),
                    UnitResolver.shipped(),
                    HarmonizerSettings.DEFAULTS)),
            Clock.systemUTC(),
            new RetentionPolicy(null, null, 0, 0))) {
      assertThat(ackedRaw)
          .as("acknowledged raw messages missing from the journal")
          .filteredOn(id -> store.rawMessages().byId(id).isEmpty())
          .isEmpty();
      assertThat(ackedMeasurements)
          .as("acknowledged measurements missing from the store")
          .filteredOn(id -> store.measurements().byId(id).isEmpty())
          .isEmpty();
    }
  }
}
