package org.vitalbridge.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.zip.GZIPOutputStream;
import org.vitalbridge.core.harmonize.Harmonizer;
import org.vitalbridge.core.harmonize.HarmonizerSettings;
import org.vitalbridge.core.mapping.TemplateLoader;
import org.vitalbridge.core.pipeline.JsonTemplateDecoder;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.core.terminology.TerminologyLoader;
import org.vitalbridge.core.units.UnitResolver;
import org.vitalbridge.store.QuarantineEntry;
import org.vitalbridge.store.RetentionPolicy;
import org.vitalbridge.store.Store;
import org.vitalbridge.store.StoreConfig;
import org.vitalbridge.store.StoredMeasurement;
import org.vitalbridge.store.StoredRaw;

/**
 * The system under test for the HTTP API ITs: a SQLite store with the shipped templates and
 * terminology, its pipeline running, and the HTTP API on a free port of 127.0.0.1; plus the small
 * client helpers the tests share. Times: the clock runs from {@link #NOW} (just after the example
 * payloads' observation time), so the examples are neither stale nor in the future.
 */
final class ApiFixture implements AutoCloseable {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final Instant NOW = Instant.parse("2026-11-24T10:16:00Z");
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path TEMPLATES = ROOT.resolve("config").resolve("templates");
  static final MessageProcessor PROCESSOR = processor(TEMPLATES);

  final Path dir;
  final StoreConfig storeConfig;
  final Clock clock = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), NOW));
  final Store store;
  final HttpApi api;

  /** The mapping reprocessing and dry runs use: swap it to simulate a fix on disk. */
  final AtomicReference<MessageProcessor> mapping = new AtomicReference<>(PROCESSOR);

  final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private boolean storeClosed;

  private ApiFixture(Path dir, StoreConfig storeConfig, UnaryOperator<HttpApiConfig> config) {
    this(dir, storeConfig, config, s -> ApiAccess.none());
  }

  private ApiFixture(
      Path dir,
      StoreConfig storeConfig,
      UnaryOperator<HttpApiConfig> config,
      Function<Store, ApiAccess> access) {
    this.dir = dir;
    this.storeConfig = storeConfig;
    this.store = Store.open(storeConfig, PROCESSOR, clock, new RetentionPolicy(null, null, 0, 0));
    try {
      store.pipeline().start();
      this.api =
          HttpApi.start(
              config.apply(HttpApiConfig.defaults().withAddress("127.0.0.1", 0)),
              store,
              clock,
              Map.of(),
              new Operations(mapping::get, TEMPLATES, storeConfig.destinations()),
              access.apply(store));
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /** The default store (synchronous NORMAL: these tests are about HTTP, not fsync) and API. */
  static ApiFixture start(Path dir) {
    return start(dir, c -> c);
  }

  static ApiFixture start(Path dir, UnaryOperator<HttpApiConfig> config) {
    return start(dir, sqlite(dir), config);
  }

  static ApiFixture start(Path dir, StoreConfig store, UnaryOperator<HttpApiConfig> config) {
    return new ApiFixture(dir, store, config);
  }

  /** The API with local API tokens enforced ({@link TestTokens} issues one per role). */
  static ApiFixture secured(Path dir, StoreConfig store, Function<Store, ApiAccess> access) {
    return new ApiFixture(dir, store, c -> c, access);
  }

  static StoreConfig sqlite(Path dir) {
    return StoreConfig.sqlite(dir.resolve("vb.db")).withSqliteSynchronous("NORMAL");
  }

  /**
   * A store whose journal takes one message per commit and queues two more: with the database
   * locked from outside (see {@link #lockDatabase}) the third waiting append is refused at once.
   */
  static StoreConfig tinyJournal(Path dir) {
    return new StoreConfig(
            "sqlite",
            dir.resolve("vb.db"),
            "NORMAL",
            null,
            null,
            null,
            null,
            1 << 20,
            1,
            2,
            List.of())
        .withSqliteSynchronous("NORMAL");
  }

  /** The shipped terminology with the templates of {@code templates}. */
  static MessageProcessor processor(Path templates) {
    return new MessageProcessor(
        List.of(new JsonTemplateDecoder(TemplateLoader.loadDirectory(templates))),
        new Harmonizer(
            TerminologyLoader.shipped(), UnitResolver.shipped(), HarmonizerSettings.DEFAULTS));
  }

  static byte[] example(String name) {
    try {
      return Files.readAllBytes(ROOT.resolve("examples").resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An ACME bedside payload; {@code extra} is spliced in as further members (may be empty). */
  static String acme(String device, String bed, Instant ts, String extra) {
    return "{\"model\":\"ACME-BM5\",\"deviceId\":\""
        + device
        + "\",\"bed\":\""
        + bed
        + "\",\"ts\":"
        + ts.toEpochMilli()
        + (extra.isEmpty() ? "" : "," + extra)
        + "}";
  }

  /** ACME payload with heart rate and SpO2 only: two measurements. */
  static String acmeVitals(String device, String bed, Instant ts) {
    return acme(device, bed, ts, "\"hr\":72,\"spo2\":97");
  }

  /**
   * The most a TCP send buffer grows to here (Linux: {@code tcp_wmem}'s maximum), at least 4 MB:
   * what a test must write past to be sure a peer that does not read has stalled the server.
   */
  static int maxSendBuffer() {
    try {
      String[] wmem = Files.readString(Path.of("/proc/sys/net/ipv4/tcp_wmem")).trim().split("\\s+");
      return Math.max(Integer.parseInt(wmem[2]), 4 << 20);
    } catch (IOException | RuntimeException e) {
      return 4 << 20;
    }
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60)).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /** A GET with {@code Authorization: Bearer token} (none when token is null). */
  HttpResponse<byte[]> get(String path, String token) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60)).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** POSTs a JSON body (or none when {@code json} is null). */
  HttpResponse<byte[]> postJson(String path, String json) throws IOException, InterruptedException {
    return post(path, "application/json", json == null ? new byte[0] : utf8(json));
  }

  /**
   * A copy of the shipped templates in {@code dir} plus the ACME bedside template again under the
   * id {@code id}: the "fixed" mapping for a payload that was sent to a template not yet installed.
   */
  static Path templatesWith(Path dir, String id) {
    try {
      Files.createDirectories(dir);
      try (var files = Files.list(TEMPLATES)) {
        for (Path f : files.toList()) {
          Files.copy(f, dir.resolve(f.getFileName()));
        }
      }
      String acme = Files.readString(TEMPLATES.resolve("10-acme-bedside.yaml"));
      Files.writeString(
          dir.resolve("90-" + id + ".yaml"),
          acme.replaceFirst("(?m)^template:\\s*\\S+", "template: " + id));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + api.port() + path);
  }

  URI ws(String path) {
    return URI.create("ws://127.0.0.1:" + api.port() + path);
  }

  HttpRequest.Builder request(String path, String contentType, byte[] body, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(path))
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b;
  }

  HttpResponse<byte[]> post(String path, String contentType, byte[] body, String... headers)
      throws IOException, InterruptedException {
    return http.send(
        request(path, contentType, body, headers).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  CompletableFuture<HttpResponse<byte[]>> postAsync(
      String path, String contentType, byte[] body, String... headers) {
    return http.sendAsync(
        request(path, contentType, body, headers).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static JsonNode json(HttpResponse<byte[]> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "not JSON: " + new String(response.body(), StandardCharsets.UTF_8), e);
    }
  }

  /**
   * Asserts an RFC 9457 answer: status, {@code application/problem+json}, every standard member,
   * the type URN of {@code slug} and the request path as instance. Returns the body.
   */
  static JsonNode assertProblem(HttpResponse<byte[]> r, int status, String slug) {
    String body = new String(r.body(), StandardCharsets.UTF_8);
    assertThat(r.statusCode()).as(body).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    JsonNode p = json(r);
    assertThat(p.path("type").asText()).isEqualTo("urn:vitalbridge:problem:" + slug);
    assertThat(p.path("title").asText()).isNotBlank();
    assertThat(p.path("status").isInt()).isTrue();
    assertThat(p.path("status").asInt()).isEqualTo(status);
    assertThat(p.path("detail").asText()).isNotBlank();
    assertThat(p.path("instance").asText()).isEqualTo(r.request().uri().getRawPath());
    return p;
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  long rawCount() {
    return store.retention().usage().rawCount();
  }

  long measurementCount() {
    return store.measurements().count();
  }

  Optional<StoredMeasurement> measurement(String id) {
    return store.measurements().byId(UUID.fromString(id));
  }

  /** Every journaled message, oldest first (sequence numbers are dense from 1). */
  List<StoredRaw> raws() {
    List<StoredRaw> out = new ArrayList<>();
    long n = rawCount();
    for (long seq = 1; out.size() < n && seq <= n + 1000; seq++) {
      store.quarantine().raw(seq).ifPresent(out::add);
    }
    return out;
  }

  Optional<StoredRaw> raw(String rawId) {
    return raws().stream().filter(r -> r.message().id().equals(rawId)).findFirst();
  }

  List<QuarantineEntry> quarantine() {
    return store.quarantine().open(1000);
  }

  /** The one open quarantine entry, and the bytes it kept. */
  QuarantineEntry onlyQuarantined() {
    List<QuarantineEntry> open = quarantine();
    assertThat(open).hasSize(1);
    return open.get(0);
  }

  byte[] quarantinedBytes(QuarantineEntry e) {
    return store.quarantine().raw(e.rawSeq()).orElseThrow().message().payload();
  }

  /**
   * Takes SQLite's write lock from outside (another connection in {@code BEGIN EXCLUSIVE}): the
   * journal writer waits for it, so nothing commits until the returned connection is closed.
   */
  Connection lockDatabase() throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + storeConfig.sqliteFile());
    try (Statement st = c.createStatement()) {
      st.execute("BEGIN EXCLUSIVE");
    }
    return c;
  }

  static void unlock(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("COMMIT");
    }
    c.close();
  }

  void closeStore() {
    storeClosed = true;
    store.close();
  }

  @Override
  public void close() {
    api.close();
    if (!storeClosed) {
      store.close();
    }
  }
}
