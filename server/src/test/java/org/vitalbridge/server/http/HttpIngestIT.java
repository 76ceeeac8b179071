package org.vitalbridge.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vitalbridge.server.http.ApiFixture.NOW;
import static org.vitalbridge.server.http.ApiFixture.acme;
import static org.vitalbridge.server.http.ApiFixture.acmeVitals;
import static org.vitalbridge.server.http.ApiFixture.assertProblem;
import static org.vitalbridge.server.http.ApiFixture.example;
import static org.vitalbridge.server.http.ApiFixture.gzip;
import static org.vitalbridge.server.http.ApiFixture.json;
import static org.vitalbridge.server.http.ApiFixture.strings;
import static org.vitalbridge.server.http.ApiFixture.utf8;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.security.auth.Role;
import org.vitalbridge.store.QuarantineEntry;
import org.vitalbridge.store.StoredMeasurement;
import org.vitalbridge.store.StoredRaw;

/** {@code POST /api/v1/ingest/{template}[/batch]} over real sockets, against a real store. */
class HttpIngestIT {
  static final String SINGLE = "/api/v1/ingest/acme-bedside";
  static final String BATCH = "/api/v1/ingest/acme-bedside/batch";
  static final String NOVA_BATCH = "/api/v1/ingest/nova-wearable/batch";

  @TempDir Path tmp;
  ApiFixture f;

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  // --- accepted ---------------------------------------------------------------------------

  @Test
  void aSinglePayloadIsAnswered202WithItsMeasurementIdsOnceItsBytesAreCommitted() throws Exception {
    f = ApiFixture.start(tmp);
    byte[] body = example("acme-bedside.json");

    HttpResponse<byte[]> r = f.post(SINGLE, "application/json", body);

    assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(202);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode answer = json(r);
    assertThat(answer.path("status").asText()).isEqualTo("accepted");
    assertThat(answer.path("items")).hasSize(1);
    JsonNode item = answer.path("items").get(0);
    assertThat(item.path("index").asInt()).isZero();
    List<String> ids = strings(item.path("measurementIds"));
    assertThat(ids).hasSize(6).doesNotHaveDuplicates();
    // Answered after the commit: the bytes are in the journal, as sent, under the path's template.
    StoredRaw raw = f.raw(item.path("rawId").asText()).orElseThrow();
    assertThat(raw.message().payload()).isEqualTo(body);
    assertThat(raw.message().contentType()).contains("template=\"acme-bedside\"");
    assertThat(raw.message().adapter()).isEqualTo("http");
    // ... and the ids it named are the measurements the pipeline stores from those bytes.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(f.measurementCount()).isEqualTo(6));
    for (String id : ids) {
      StoredMeasurement m = f.measurement(id).orElseThrow();
      assertThat(m.device()).isEqualTo("ACME-0042");
      assertThat(m.rawId()).isEqualTo(raw.message().id());
    }
  }

  @Test
  void aGzippedJsonArrayBatchIsAnsweredWithEveryItemAndKeepsEachItemsObservationTime()
      throws Exception {
    f = ApiFixture.start(tmp);
    List<Instant> times =
        List.of(NOW.minusSeconds(300), NOW.minusSeconds(200), NOW.minusSeconds(100));
    String array =
        times.stream()
            .map(t -> acmeVitals("ACME-" + t.getEpochSecond(), "ICU-1", t))
            .collect(Collectors.joining(",\n  ", "[\n  ", "\n]"));

    HttpResponse<byte[]> r =
        f.post(BATCH, "application/json", gzip(utf8(array)), "Content-Encoding", "gzip");

    assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(202);
    JsonNode items = json(r).path("items");
    assertThat(items).hasSize(3);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(f.measurementCount()).isEqualTo(6));
    for (int i = 0; i < 3; i++) {
      JsonNode item = items.get(i);
      assertThat(item.path("index").asInt()).isEqualTo(i);
      assertThat(item.path("measurementIds")).hasSize(2);
      // Each item is its own raw message, exactly the element's bytes.
      StoredRaw raw = f.raw(item.path("rawId").asText()).orElseThrow();
      assertThat(new String(raw.message().payload(), StandardCharsets.UTF_8))
          .isEqualTo(acmeVitals("ACME-" + times.get(i).getEpochSecond(), "ICU-1", times.get(i)));
      for (String id : strings(item.path("measurementIds"))) {
        StoredMeasurement m = f.measurement(id).orElseThrow();
        // The payload's time, not the time of receipt.
        assertThat(m.observedAt()).isEqualTo(times.get(i));
        assertThat(m.receivedAt()).isAfter(times.get(2));
      }
    }
  }

  @Test
  void aGzippedNdjsonBatchIsAnsweredWithEveryLine() throws Exception {
    f = ApiFixture.start(tmp);
    String[] lines =
        new String(example("nova-wearable.ndjson"), StandardCharsets.UTF_8).split("\n");
    String twoGood = lines[0] + "\r\n\n" + lines[1] + "\n";

    HttpResponse<byte[]> r =
        f.post(NOVA_BATCH, "application/x-ndjson", gzip(utf8(twoGood)), "Content-Encoding", "gzip");

    assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(202);
    JsonNode items = json(r).path("items");
    assertThat(items).hasSize(2);
    assertThat(items.get(0).path("line").asInt()).isEqualTo(1);
    assertThat(items.get(1).path("line").asInt()).isEqualTo(3);
    assertThat(items.get(0).path("measurementIds")).hasSize(3);
    assertThat(items.get(1).path("measurementIds")).hasSize(1);
    assertThat(f.raw(items.get(1).path("rawId").asText()).orElseThrow().message().payload())
        .isEqualTo(utf8(lines[1]));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(
                        f.measurement(items.get(0).path("measurementIds").get(0).asText())
                            .map(StoredMeasurement::observedAt))
                    .hasValue(Instant.parse("2026-11-24T09:15:00Z")));
  }

  @Test
  void jsonMediaTypesWithParametersAreAcceptedAndTheChannelDeviceStandsInForAMissingOne()
      throws Exception {
    f = ApiFixture.start(tmp);
    String noDevice =
        "{\"model\":\"ACME-BM5\",\"ts\":" + NOW.minusSeconds(30).toEpochMilli() + ",\"hr\":70}";

    HttpResponse<byte[]> charset =
        f.post(SINGLE + "?device=ACME-CHAN", "application/json; charset=utf-8", utf8(noDevice));
    HttpResponse<byte[]> vendor =
        f.post(
            SINGLE + "?device=ACME-CHAN",
            "application/vnd.acme.vitals+json",
            utf8(acmeVitals("ACME-OWN", "ICU-1", NOW.minusSeconds(20))));

    assertThat(charset.statusCode()).isEqualTo(202);
    assertThat(vendor.statusCode()).isEqualTo(202);
    String fromChannel = json(charset).path("items").get(0).path("measurementIds").get(0).asText();
    String fromPayload = json(vendor).path("items").get(0).path("measurementIds").get(0).asText();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(f.measurementCount()).isEqualTo(3));
    assertThat(f.measurement(fromChannel).orElseThrow().device()).isEqualTo("ACME-CHAN");
    // The payload's own device wins over the channel's.
    assertThat(f.measurement(fromPayload).orElseThrow().device()).isEqualTo("ACME-OWN");
  }

  @Test
  void anEmptyBatchIs400() throws Exception {
    f = ApiFixture.start(tmp);

    HttpResponse<byte[]> array = f.post(BATCH, "application/json", utf8(" [ ] "));
    HttpResponse<byte[]> ndjson = f.post(BATCH, "application/x-ndjson", utf8("\n\r\n"));

    assertProblem(array, 400, "empty-batch");
    assertProblem(ndjson, 400, "empty-batch");
    assertThat(f.rawCount()).isZero();
  }

  @Test
  void healthReportsTheStoreAndEachAdapter() throws Exception {
    f = ApiFixture.start(tmp);
    assertThat(f.post(SINGLE, "application/json", example("acme-bedside.json")).statusCode())
        .isEqualTo(202);
    HttpResponse<byte[]> up;
    HttpResponse<byte[]> degraded;
    try (HttpApi other =
        HttpApi.start(
            HttpApiConfig.defaults().withAddress("127.0.0.1", 0),
            f.store,
            f.clock,
            java.util.Map.of("mllp", () -> true, "mqtt", () -> false))) {
      up =
          f.http.send(
              HttpRequest.newBuilder(f.uri("/health")).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      degraded =
          f.http.send(
              HttpRequest.newBuilder(
                      java.net.URI.create("http://127.0.0.1:" + other.port() + "/health"))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
    }

    assertThat(up.statusCode()).isEqualTo(200);
    JsonNode h = json(up);
    assertThat(h.path("status").asText()).isEqualTo("UP");
    assertThat(h.path("rawMessages").asLong()).isEqualTo(1);
    assertThat(degraded.statusCode()).isEqualTo(503);
    JsonNode d = json(degraded);
    assertThat(d.path("status").asText()).isEqualTo("DEGRADED");
    assertThat(d.path("adapters").path("mllp").asText()).isEqualTo("UP");
    assertThat(d.path("adapters").path("mqtt").asText()).isEqualTo("DOWN");
  }

  // --- rejected ---------------------------------------------------------------------------

  @Test
  void aPartlyBadBatchIs400WithEachRejectionAndStoresTheGoodItems() throws Exception {
    f = ApiFixture.start(tmp);
    byte[] ndjson = example("nova-wearable.ndjson");

    HttpResponse<byte[]> r = f.post(NOVA_BATCH, "application/x-ndjson", ndjson);

    JsonNode p = assertProblem(r, 400, "rejected-items");
    List<Integer> accepted = new ArrayList<>();
    p.path("accepted").forEach(i -> accepted.add(i.path("index").asInt()));
    assertThat(accepted).containsExactly(0, 1, 2);
    JsonNode partly = p.path("accepted").get(2);
    assertThat(partly.path("line").asInt()).isEqualTo(3);
    assertThat(partly.path("rejections")).isNotEmpty();
    assertThat(partly.path("rejections").get(0).path("reason").asText()).isEqualTo("out-of-range");
    JsonNode rejections = p.path("rejections");
    assertThat(rejections).hasSize(2);
    JsonNode notNumeric = rejections.get(0);
    assertThat(notNumeric.path("index").asInt()).isEqualTo(3);
    assertThat(notNumeric.path("line").asInt()).isEqualTo(4);
    assertThat(notNumeric.path("reason").asText()).isEqualTo("not-numeric");
    assertThat(notNumeric.path("field").asText()).isNotBlank();
    assertThat(notNumeric.path("rawId").asText()).isNotBlank();
    JsonNode malformed = rejections.get(1);
    assertThat(malformed.path("index").asInt()).isEqualTo(4);
    assertThat(malformed.path("line").asInt()).isEqualTo(5);
    assertThat(malformed.path("reason").asText()).isEqualTo("malformed-payload");
    assertThat(malformed.has("field")).isTrue();
    // Every line is its own raw message; the good ones give their measurements.
    assertThat(f.rawCount()).isEqualTo(5);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              for (JsonNode item : p.path("accepted")) {
                for (String id : strings(item.path("measurementIds"))) {
                  assertThat(f.measurement(id)).isPresent();
                }
              }
            });
    String[] lines = new String(ndjson, StandardCharsets.UTF_8).split("\n");
    assertThat(f.raw(malformed.path("rawId").asText()).orElseThrow().message().payload())
        .isEqualTo(utf8(lines[4]));
  }

  @Test
  void aMalformedSinglePayloadIs400AndKeptWithItsExactBytes() throws Exception {
    f = ApiFixture.start(tmp);
    byte[] body = utf8("{\"model\":\"ACME-BM5\", \"deviceId\": \"ACME-0042\", \"hr\": 7");

    HttpResponse<byte[]> r = f.post(SINGLE, "application/json", body);

    JsonNode p = assertProblem(r, 400, "malformed-payload");
    assertThat(p.path("rejections").get(0).path("reason").asText()).isEqualTo("malformed-payload");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(f.quarantine()).hasSize(1));
    QuarantineEntry q = f.onlyQuarantined();
    assertThat(q.reason()).isEqualTo("malformed-payload");
    assertThat(q.rawId()).isEqualTo(p.path("rawId").asText());
    assertThat(f.quarantinedBytes(q)).isEqualTo(body);
  }

  @Test
  void aPayloadWhoseEveryReadingIsRejectedIs422() throws Exception {
    f = ApiFixture.start(tmp);

    HttpResponse<byte[]> r =
        f.post(
            SINGLE,
            "application/json",
            utf8(acme("ACME-0042", "ICU-3", NOW.minusSeconds(60), "\"spo2\":150")));

    JsonNode p = assertProblem(r, 422, "rejected-readings");
    JsonNode rejection = p.path("rejections").get(0);
    assertThat(rejection.path("reason").asText()).isEqualTo("out-of-range");
    assertThat(rejection.path("stage").asText()).isEqualTo("harmonize");
    assertThat(rejection.path("field").asText()).isNotBlank();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(f.quarantine()).hasSize(1));
    assertThat(f.measurementCount()).isZero();
  }

  @Test
  void anUnknownTemplateIs404AndThePayloadIsQuarantinedAsNoTemplate() throws Exception {
    f = ApiFixture.start(tmp);
    byte[] body = example("acme-bedside.json");

    HttpResponse<byte[]> r = f.post("/api/v1/ingest/philips-mx800", "application/json", body);

    JsonNode p = assertProblem(r, 404, "unknown-template");
    assertThat(p.path("detail").asText()).contains("philips-mx800");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(f.quarantine()).hasSize(1));
    QuarantineEntry q = f.onlyQuarantined();
    assertThat(q.reason()).isEqualTo("no-template");
    assertThat(f.quarantinedBytes(q)).isEqualTo(body);
  }

  // --- refused before decoding ------------------------------------------------------------

  @Test
  void aPayloadOverTheLimitIs413AndItsHeadIsQuarantined() throws Exception {
    f = ApiFixture.start(tmp, c -> c.withLimits(1024, 4096, 10));
    byte[] body = utf8(acme("ACME-0042", "ICU-3", NOW, "\"note\":\"" + "x".repeat(1500) + "\""));

    HttpResponse<byte[]> r = f.post(SINGLE, "application/json", body);

    JsonNode p = assertProblem(r, 413, "payload-too-large");
    assertThat(p.path("limit").asInt()).isEqualTo(1024);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(f.quarantine()).hasSize(1));
    QuarantineEntry q = f.onlyQuarantined();
    assertThat(q.reason()).isEqualTo("payload-too-large");
    byte[] kept = f.quarantinedBytes(q);
    assertThat(kept.length).isGreaterThan(1024).isLessThan(body.length);
    assertThat(kept).isEqualTo(Arrays.copyOf(body, kept.length));
    assertThat(f.measurementCount()).isZero();
  }

  @Test
  void aBatchItemOverThePayloadLimitIsRejectedOnItsOwnAndItsHeadKept() throws Exception {
    f = ApiFixture.start(tmp, c -> c.withLimits(1024, 16_384, 10));
    String small = acmeVitals("ACME-1", "ICU-1", NOW.minusSeconds(2));
    String big =
        acme(
            "ACME-2",
            "ICU-1",
            NOW.minusSeconds(1),
            "\"hr\":70,\"note\":\"" + "x".repeat(1500) + "\"");

    HttpResponse<byte[]> r = f.post(BATCH, "application/x-ndjson", utf8(small + "\n" + big));

    JsonNode p = assertProblem(r, 400, "rejected-items");
    assertThat(p.path("accepted")).hasSize(1);
    assertThat(p.path("accepted").get(0).path("index").asInt()).isZero();
    assertThat(p.path("rejections")).hasSize(1);
    JsonNode rejection = p.path("rejections").get(0);
    assertThat(rejection.path("index").asInt()).isEqualTo(1);
    assertThat(rejection.path("line").asInt()).isEqualTo(2);
    assertThat(rejection.path("reason").asText()).isEqualTo("payload-too-large");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(f.quarantine()).hasSize(1));
    QuarantineEntry q = f.onlyQuarantined();
    assertThat(q.reason()).isEqualTo("payload-too-large");
    byte[] kept = f.quarantinedBytes(q);
    assertThat(kept).isEqualTo(Arrays.copyOf(utf8(big), kept.length));
  }

  @Test
  void aPayloadOverTheJournalsLimitIs413EvenWhenTheHttpLimitIsHigher() throws Exception {
    f =
        ApiFixture.start(
            tmp, ApiFixture.sqlite(tmp).withMaxPayloadBytes(1024), c -> c.withLimits(8192, 0, 10));
    byte[] body = utf8(acme("ACME-0042", "ICU-3", NOW, "\"note\":\"" + "x".repeat(1500) + "\""));

    HttpResponse<byte[]> r = f.post(SINGLE, "application/json", body);

    JsonNode p = assertProblem(r, 413, "payload-too-large");
    assertThat(p.path("limit").asInt()).isEqualTo(1024);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(f.quarantine()).hasSize(1));
    assertThat(f.onlyQuarantined().reason()).isEqualTo("payload-too-large");
  }

  @Test
  void aBatchOverTheItemLimitIs413() throws Exception {
    f = ApiFixture.start(tmp, c -> c.withLimits(0, 0, 3));
    String ndjson =
        List.of(1, 2, 3, 4).stream()
            .map(i -> acmeVitals("ACME-" + i, "ICU-1", NOW.minusSeconds(i)))
            .collect(Collectors.joining("\n"));

    HttpResponse<byte[]> r = f.post(BATCH, "application/x-ndjson", utf8(ndjson));

    JsonNode p = assertProblem(r, 413, "too-many-items");
    assertThat(p.path("maxItems").asInt()).isEqualTo(3);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(f.quarantine()).hasSize(1));
    assertThat(f.onlyQuarantined().reason()).isEqualTo("payload-too-large");
    assertThat(f.measurementCount()).isZero();
  }

  @Test
  void aGzipBombStopsAtTheLimitWith413() throws Exception {
    f = ApiFixture.start(tmp, c -> c.withLimits(4096, 16_384, 10));
    byte[] inflated = new byte[2 * 1024 * 1024];
    Arrays.fill(inflated, (byte) ' ');
    byte[] bomb = gzip(inflated);
    assertThat(bomb.length).isLessThan(4096);

    HttpResponse<byte[]> r = f.post(SINGLE, "application/json", bomb, "Content-Encoding", "gzip");

    assertProblem(r, 413, "payload-too-large");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(f.quarantine()).hasSize(1));
    assertThat(f.quarantinedBytes(f.onlyQuarantined()).length).isLessThanOrEqualTo(4097);
  }

  @Test
  void aBrokenGzipBodyIs400() throws Exception {
    f = ApiFixture.start(tmp);
    byte[] good = gzip(example("acme-bedside.json"));
    byte[] broken = Arrays.copyOf(good, good.length / 2);
    byte[] garbage = new byte[300];
    new Random(7).nextBytes(garbage);

    HttpResponse<byte[]> cut =
        f.post(SINGLE, "application/json", broken, "Content-Encoding", "gzip");
    HttpResponse<byte[]> notGzip =
        f.post(BATCH, "application/json", garbage, "Content-Encoding", "gzip");

    assertProblem(cut, 400, "bad-content-encoding");
    assertProblem(notGzip, 400, "bad-content-encoding");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(f.quarantine()).hasSize(2));
    assertThat(f.quarantine())
        .allSatisfy(q -> assertThat(q.reason()).isEqualTo("malformed-payload"));
    assertThat(f.measurementCount()).isZero();
  }

  @Test
  void aWrongContentTypeIs415AndTheBodyIsQuarantined() throws Exception {
    f = ApiFixture.start(tmp);
    byte[] body = example("acme-bedside.json");

    HttpResponse<byte[]> r = f.post(SINGLE, "text/plain", body);

    assertProblem(r, 415, "unsupported-media-type");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(f.quarantine()).hasSize(1));
    QuarantineEntry q = f.onlyQuarantined();
    assertThat(q.reason()).isEqualTo("unsupported-message");
    assertThat(f.quarantinedBytes(q)).isEqualTo(body);
    assertThat(f.measurementCount()).isZero();
  }

  @Test
  void ndjsonToTheSingleEndpointAndNoContentTypeAre415() throws Exception {
    f = ApiFixture.start(tmp);

    HttpResponse<byte[]> ndjson =
        f.post(SINGLE, "application/x-ndjson", example("acme-bedside.json"));
    HttpResponse<byte[]> none = f.post(BATCH, null, example("acme-bedside.json"));

    assertProblem(ndjson, 415, "unsupported-media-type");
    assertProblem(none, 415, "unsupported-media-type");
  }

  @Test
  void aContentCodingOtherThanGzipIs415() throws Exception {
    f = ApiFixture.start(tmp);

    HttpResponse<byte[]> r =
        f.post(SINGLE, "application/json", example("acme-bedside.json"), "Content-Encoding", "br");

    assertProblem(r, 415, "unsupported-content-encoding");
    assertThat(r.headers().firstValue("Accept-Encoding")).hasValue("gzip");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(f.quarantine()).hasSize(1));
    assertThat(f.measurementCount()).isZero();
  }

  @Test
  void aBadTemplateNameOrDeviceIs400() throws Exception {
    f = ApiFixture.start(tmp);
    byte[] body = example("acme-bedside.json");

    HttpResponse<byte[]> name = f.post("/api/v1/ingest/acme!bedside", "application/json", body);
    HttpResponse<byte[]> tooLong =
        f.post("/api/v1/ingest/" + "a".repeat(129), "application/json", body);
    HttpResponse<byte[]> device =
        f.post(SINGLE + "?device=" + "d".repeat(257), "application/json", body);

    assertProblem(name, 400, "bad-template-name");
    assertProblem(tooLong, 400, "bad-template-name");
    assertProblem(device, 400, "bad-device");
    assertThat(f.rawCount()).isZero();
  }

  @Test
  void anUnknownPathIsA404Problem() throws Exception {
    f = ApiFixture.start(tmp);

    HttpResponse<byte[]> post = f.post("/api/v1/nothing-here", "application/json", utf8("{}"));
    HttpResponse<byte[]> get =
        f.http.send(
            HttpRequest.newBuilder(f.uri("/ingest")).GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertProblem(post, 404, "not-found");
    assertProblem(get, 404, "not-found");
  }

  // --- Idempotency-Key --------------------------------------------------------------------

  @Test
  void aRetryWithTheSameIdempotencyKeyGetsTheFirstAnswerAndStoresNothingTwice() throws Exception {
    f = ApiFixture.start(tmp);
    byte[] body = example("acme-bedside.json");

    HttpResponse<byte[]> first = f.post(SINGLE, "application/json", body, "Idempotency-Key", "k-1");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(f.measurementCount()).isEqualTo(6));
    HttpResponse<byte[]> retry = f.post(SINGLE, "application/json", body, "Idempotency-Key", "k-1");

    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
    assertThat(retry.statusCode()).isEqualTo(202);
    assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(retry.body()).isEqualTo(first.body());
    assertThat(retry.headers().firstValue("Content-Type"))
        .isEqualTo(first.headers().firstValue("Content-Type"));
    f.store.pipeline().drain();
    assertThat(f.rawCount()).isEqualTo(1);
    assertThat(f.measurementCount()).isEqualTo(6);
  }

  @Test
  void concurrentRetriesWithTheSameIdempotencyKeyAreJournaledOnceAndAnsweredAlikeOr409()
      throws Exception {
    f = ApiFixture.start(tmp);
    String ndjson =
        List.of(1, 2, 3).stream()
            .map(i -> acmeVitals("ACME-" + i, "ICU-1", NOW.minusSeconds(i)))
            .collect(Collectors.joining("\n"));
    List<CompletableFuture<HttpResponse<byte[]>>> tries = new ArrayList<>();

    for (int i = 0; i < 6; i++) {
      tries.add(
          f.postAsync(BATCH, "application/x-ndjson", utf8(ndjson), "Idempotency-Key", "race"));
    }
    List<HttpResponse<byte[]>> answers = tries.stream().map(CompletableFuture::join).toList();

    // A retry racing the first request is told to come back (409), or gets the first answer.
    List<HttpResponse<byte[]>> accepted =
        answers.stream().filter(r -> r.statusCode() == 202).toList();
    assertThat(accepted).isNotEmpty();
    assertThat(answers)
        .filteredOn(r -> r.statusCode() != 202)
        .allSatisfy(
            r -> {
              assertProblem(r, 409, "idempotency-key-in-flight");
              assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
            });
    assertThat(accepted)
        .extracting(r -> json(r).path("items"))
        .allSatisfy(items -> assertThat(items).isEqualTo(json(accepted.get(0)).path("items")));
    f.store.pipeline().drain();
    assertThat(f.rawCount()).isEqualTo(3);
    assertThat(f.measurementCount()).isEqualTo(6);
  }

  /**
   * The Idempotency-Key draft: a request whose key is still being processed is answered 409, so a
   * second request under the same key (a retry, or another body by mistake) never stores while the
   * first is in flight.
   */
  @Test
  void aKeyStillInFlightIs409AndAnotherBodyUnderItIsNeverStored() throws Exception {
    f = ApiFixture.start(tmp);
    CompletableFuture<HttpResponse<byte[]>> first;
    HttpResponse<byte[]> other;
    HttpResponse<byte[]> retry;
    Connection lock = f.lockDatabase();
    try {
      first =
          f.postAsync(
              SINGLE, "application/json", example("acme-bedside.json"), "Idempotency-Key", "k-9");
      // The first request is read, decoded and waiting for the locked database by then.
      Thread.sleep(2000);
      other =
          f.post(
              SINGLE,
              "application/json",
              utf8(acmeVitals("ACME-0042", "ICU-3", NOW.minusSeconds(5))),
              "Idempotency-Key",
              "k-9");
      retry =
          f.post(
              SINGLE, "application/json", example("acme-bedside.json"), "Idempotency-Key", "k-9");
    } finally {
      ApiFixture.unlock(lock);
    }

    assertThat(first.join().statusCode()).isEqualTo(202);
    assertProblem(other, 409, "idempotency-key-in-flight");
    assertProblem(retry, 409, "idempotency-key-in-flight");
    assertThat(other.headers().firstValue("Retry-After")).hasValue("1");
    f.store.pipeline().drain();
    assertThat(f.rawCount()).isEqualTo(1);
    HttpResponse<byte[]> later =
        f.post(SINGLE, "application/json", example("acme-bedside.json"), "Idempotency-Key", "k-9");
    assertThat(later.statusCode()).isEqualTo(202);
    assertThat(later.headers().firstValue("Idempotent-Replayed")).hasValue("true");
  }

  @Test
  void aRetriedBatchWithSomeRejectionsIsReplayedIdentically() throws Exception {
    f = ApiFixture.start(tmp);
    byte[] ndjson = example("nova-wearable.ndjson");

    HttpResponse<byte[]> first =
        f.post(NOVA_BATCH, "application/x-ndjson", ndjson, "Idempotency-Key", "\"batch-7\"");
    long raws = f.rawCount();
    HttpResponse<byte[]> retry =
        f.post(NOVA_BATCH, "application/x-ndjson", ndjson, "Idempotency-Key", "\"batch-7\"");

    assertProblem(first, 400, "rejected-items");
    assertThat(retry.statusCode()).isEqualTo(400);
    assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(retry.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(retry.body()).isEqualTo(first.body());
    assertThat(raws).isEqualTo(5);
    assertThat(f.rawCount()).isEqualTo(5);
  }

  @Test
  void theSameIdempotencyKeyWithAnotherBodyIs422AndStoresNothing() throws Exception {
    f = ApiFixture.start(tmp);

    HttpResponse<byte[]> first =
        f.post(SINGLE, "application/json", example("acme-bedside.json"), "Idempotency-Key", "k-2");
    HttpResponse<byte[]> other =
        f.post(
            SINGLE,
            "application/json",
            utf8(acmeVitals("ACME-0042", "ICU-3", NOW.minusSeconds(5))),
            "Idempotency-Key",
            "k-2");
    HttpResponse<byte[]> otherTemplate =
        f.post(
            "/api/v1/ingest/zen-gateway",
            "application/json",
            example("acme-bedside.json"),
            "Idempotency-Key",
            "k-2");

    assertThat(first.statusCode()).isEqualTo(202);
    assertProblem(other, 422, "idempotency-key-reused");
    assertProblem(otherTemplate, 422, "idempotency-key-reused");
    // Not a replay of the first answer: the request is refused.
    assertThat(other.headers().firstValue("Idempotent-Replayed")).isEmpty();
    assertThat(f.rawCount()).isEqualTo(1);
  }

  /**
   * A key is the caller's: two devices (here a device and an admin token) that happen to pick the
   * same key — a counter from 1, a timestamp — neither see nor block each other's answers.
   */
  @Test
  void anIdempotencyKeyIsScopedToTheCaller() throws Exception {
    AtomicReference<TestTokens> tokens = new AtomicReference<>();
    f =
        ApiFixture.secured(
            tmp,
            ApiFixture.sqlite(tmp),
            s -> {
              TestTokens t = new TestTokens(s);
              tokens.set(t);
              return t.access;
            });
    String device = "Bearer " + tokens.get().of(Role.DEVICE);
    String admin = "Bearer " + tokens.get().of(Role.ADMIN);

    HttpResponse<byte[]> mine =
        f.post(
            SINGLE,
            "application/json",
            example("acme-bedside.json"),
            "Idempotency-Key",
            "1",
            "Authorization",
            device);
    HttpResponse<byte[]> theirs =
        f.post(
            SINGLE,
            "application/json",
            utf8(acmeVitals("ACME-0042", "ICU-3", NOW.minusSeconds(5))),
            "Idempotency-Key",
            "1",
            "Authorization",
            admin);
    HttpResponse<byte[]> theirsSameBody =
        f.post(
            SINGLE,
            "application/json",
            example("acme-bedside.json"),
            "Idempotency-Key",
            "2",
            "Authorization",
            admin);
    HttpResponse<byte[]> mineSameBodyOtherKey =
        f.post(
            SINGLE,
            "application/json",
            example("acme-bedside.json"),
            "Idempotency-Key",
            "2",
            "Authorization",
            device);

    assertThat(mine.statusCode()).isEqualTo(202);
    assertThat(theirs.statusCode()).isEqualTo(202);
    assertThat(theirs.headers().firstValue("Idempotent-Replayed")).isEmpty();
    assertThat(theirsSameBody.statusCode()).isEqualTo(202);
    assertThat(mineSameBodyOtherKey.statusCode()).isEqualTo(202);
    assertThat(mineSameBodyOtherKey.headers().firstValue("Idempotent-Replayed")).isEmpty();
    assertThat(json(mineSameBodyOtherKey).path("items").get(0).path("rawId"))
        .isNotEqualTo(json(theirsSameBody).path("items").get(0).path("rawId"));
  }

  @Test
  void aBadIdempotencyKeyIs400() throws Exception {
    f = ApiFixture.start(tmp);

    HttpResponse<byte[]> tooLong =
        f.post(
            SINGLE,
            "application/json",
            example("acme-bedside.json"),
            "Idempotency-Key",
            "k".repeat(256));

    assertProblem(tooLong, 400, "bad-idempotency-key");
    assertThat(f.rawCount()).isZero();
  }

  // --- back-pressure and failures ---------------------------------------------------------

  @Test
  void aFullJournalIsAnswered429WithRetryAfterAndWhatWasQueuedIsStored() throws Exception {
    f = ApiFixture.start(tmp, ApiFixture.tinyJournal(tmp), c -> c);
    List<CompletableFuture<HttpResponse<byte[]>>> answers = new ArrayList<>();
    Connection lock = f.lockDatabase();
    try {
      // Nothing commits: one append waits in the writer, two in the queue, the rest are refused.
      for (int i = 0; i < 6; i++) {
        answers.add(
            f.postAsync(
                SINGLE,
                "application/json",
                utf8(acmeVitals("ACME-" + i, "ICU-1", NOW.minusSeconds(i + 1)))));
      }
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> answers.stream().anyMatch(CompletableFuture::isDone));
      List<HttpResponse<byte[]>> early =
          answers.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join).toList();
      assertThat(early)
          .allSatisfy(
              r -> {
                JsonNode p = assertProblem(r, 429, "overloaded");
                assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
                assertThat(p.path("notStored")).hasSize(1);
              });
    } finally {
      ApiFixture.unlock(lock);
    }
    List<HttpResponse<byte[]>> all = answers.stream().map(CompletableFuture::join).toList();
    long accepted = all.stream().filter(r -> r.statusCode() == 202).count();
    assertThat(accepted).isPositive();
    assertThat(all).allSatisfy(r -> assertThat(r.statusCode()).isIn(202, 429));
    assertThat(f.rawCount()).isEqualTo(accepted);
  }

  @Test
  void aCommitThatDoesNotComeInTimeIs503() throws Exception {
    f = ApiFixture.start(tmp, c -> c.withCommitTimeout(Duration.ofMillis(300)));
    HttpResponse<byte[]> r;
    Connection lock = f.lockDatabase();
    try {
      r = f.post(SINGLE, "application/json", example("acme-bedside.json"));
    } finally {
      ApiFixture.unlock(lock);
    }

    JsonNode p = assertProblem(r, 503, "not-stored");
    assertThat(p.path("detail").asText()).contains("in time");
    assertThat(r.headers().firstValue("Retry-After")).isPresent();
  }

  @Test
  void aClosedStoreIs503() throws Exception {
    f = ApiFixture.start(tmp);
    f.closeStore();

    HttpResponse<byte[]> single = f.post(SINGLE, "application/json", example("acme-bedside.json"));
    HttpResponse<byte[]> batch =
        f.post(NOVA_BATCH, "application/x-ndjson", example("nova-wearable.ndjson"));

    JsonNode p = assertProblem(single, 503, "not-stored");
    assertThat(p.path("notStored")).hasSize(1);
    assertProblem(batch, 503, "not-stored");
  }
}
