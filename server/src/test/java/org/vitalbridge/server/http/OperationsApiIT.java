package org.vitalbridge.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vitalbridge.server.http.ApiFixture.assertProblem;
import static org.vitalbridge.server.http.ApiFixture.json;
import static org.vitalbridge.server.http.ApiFixture.utf8;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.store.OutboxEntry;

/**
 * The operator endpoints over real HTTP: measurements and trends, the quarantine (list, filter, raw
 * bytes, reprocess after a fix, discard), the journal, destinations, associations, templates, flow,
 * the console and the OpenAPI document — with the RFC 9457 problem of each refusal.
 */
class OperationsApiIT {
  private static final Instant TS = Instant.parse("2026-11-24T10:15:00Z");
  private static final String WINDOW = "from=2026-11-24T10:00:00Z&to=2026-11-24T11:00:00Z";

  @TempDir Path tmp;

  private ApiFixture start() {
    return ApiFixture.start(tmp, ApiFixture.sqlite(tmp).withDestinations(List.of("fhir")), c -> c);
  }

  private static void ingest(ApiFixture f, String template, String body) throws Exception {
    f.post("/api/v1/ingest/" + template, "application/json", utf8(body));
  }

  private static void awaitMeasurements(ApiFixture f, long n) {
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(f.measurementCount()).isEqualTo(n));
  }

  @Test
  void measurementsAreQueriedByDeviceMetricAndTimeAndTrended() throws Exception {
    try (ApiFixture f = start()) {
      ingest(f, "acme-bedside", ApiFixture.acmeVitals("ACME-1", "ICU-1", TS));
      ingest(f, "acme-bedside", ApiFixture.acmeVitals("ACME-1", "ICU-1", TS.plusSeconds(60)));
      ingest(f, "acme-bedside", ApiFixture.acmeVitals("ACME-2", "ICU-2", TS));
      awaitMeasurements(f, 6);

      JsonNode all = json(f.get("/api/v1/measurements?" + WINDOW));
      assertThat(all.get("measurements")).hasSize(6);
      JsonNode hr =
          json(f.get("/api/v1/measurements?device=ACME-1&metric=MDC_PULS_OXIM_SAT_O2&" + WINDOW));
      assertThat(hr.get("measurements")).hasSize(2);
      assertThat(hr.get("measurements").get(0).get("value").get("number").asDouble()).isEqualTo(97);
      assertThat(
              json(f.get("/api/v1/measurements?device=ACME-1&metric=150456&" + WINDOW))
                  .get("measurements"))
          .hasSize(2);
      JsonNode page = json(f.get("/api/v1/measurements?limit=4&" + WINDOW));
      assertThat(page.get("measurements")).hasSize(4);
      assertThat(page.get("nextOffset").asInt()).isEqualTo(4);
      JsonNode rest = json(f.get("/api/v1/measurements?limit=4&offset=4&" + WINDOW));
      assertThat(rest.get("measurements")).hasSize(2);
      assertThat(rest.get("nextOffset").isNull()).isTrue();

      JsonNode trend =
          json(
              f.get(
                  "/api/v1/measurements/trend?device=ACME-1&metric=59408-5&bucket=PT1H&" + WINDOW));
      assertThat(trend.get("mdc").asInt()).isEqualTo(150456);
      assertThat(trend.get("buckets")).hasSize(1);
      assertThat(trend.get("buckets").get(0).get("count").asInt()).isEqualTo(2);

      assertProblem(f.get("/api/v1/measurements?from=yesterday"), 400, "bad-parameter");
      assertProblem(
          f.get("/api/v1/measurements?from=2026-11-24T11:00:00Z&to=2026-11-24T10:00:00Z"),
          400,
          "bad-parameter");
      assertProblem(f.get("/api/v1/measurements?limit=0"), 400, "bad-parameter");
      assertProblem(f.get("/api/v1/measurements?metric=Wibble"), 400, "bad-parameter");
      assertProblem(f.get("/api/v1/measurements/trend"), 400, "bad-parameter");
      assertProblem(
          f.get("/api/v1/measurements/trend?metric=150456&bucket=5m"), 400, "bad-parameter");
    }
  }

  @Test
  void aRejectionIsListedShownReprocessedAfterAFixAndLeavesTheList() throws Exception {
    try (ApiFixture f = start()) {
      String payload = ApiFixture.acmeVitals("ACME-9", "ICU-9", TS);
      assertProblem(
          f.post("/api/v1/ingest/acme-v9", "application/json", utf8(payload)),
          404,
          "unknown-template");
      ingest(f, "acme-bedside", ApiFixture.acme("ACME-8", "ICU-8", TS, "\"spo2\":150"));
      await().atMost(Duration.ofSeconds(20)).until(() -> f.quarantine().size() == 2);

      JsonNode list = json(f.get("/api/v1/rejections"));
      assertThat(list.get("openCount").asInt()).isEqualTo(2);
      assertThat(list.get("rejections")).hasSize(2);
      JsonNode noTemplate = json(f.get("/api/v1/rejections?reason=no-template")).get("rejections");
      assertThat(noTemplate).hasSize(1);
      long id = noTemplate.get(0).get("id").asLong();
      assertThat(noTemplate.get(0).get("state").asText()).isEqualTo("open");
      JsonNode first = json(f.get("/api/v1/rejections?limit=1"));
      assertThat(first.get("rejections")).hasSize(1);
      JsonNode second = json(f.get("/api/v1/rejections?limit=1&after=" + first.get("next")));
      assertThat(second.get("rejections").get(0).get("id").asLong())
          .isNotEqualTo(first.get("rejections").get(0).get("id").asLong());

      JsonNode one = json(f.get("/api/v1/rejections/" + id));
      assertThat(one.get("raw").get("payloadText").asText()).isEqualTo(payload);
      assertThat(Base64.getDecoder().decode(one.get("raw").get("payloadBase64").asText()))
          .isEqualTo(utf8(payload));
      HttpResponse<byte[]> raw = f.get("/api/v1/rejections/" + id + "/raw");
      assertThat(raw.statusCode()).isEqualTo(200);
      assertThat(raw.body()).isEqualTo(utf8(payload));
      String rawId = one.get("rawId").asText();
      JsonNode journaled = json(f.get("/api/v1/raw-messages/" + rawId));
      assertThat(journaled.get("state").asText()).isEqualTo("rejected");
      assertThat(journaled.get("contentType").asText()).contains("acme-v9");

      // Still broken: reprocessing keeps it open (a new entry replaces the old one).
      JsonNode still = json(f.postJson("/api/v1/rejections/" + id + "/reprocess", null));
      assertThat(still.get("stillRejected").asInt()).isEqualTo(1);
      assertThat(still.get("nowOpen")).hasSize(1);
      long replaced = still.get("nowOpen").get(0).get("id").asLong();
      assertProblem(
          f.postJson("/api/v1/rejections/" + id + "/reprocess", null), 409, "rejection-resolved");

      // The fix: the template is installed; reprocessing now stores the measurements.
      f.mapping.set(
          ApiFixture.processor(ApiFixture.templatesWith(tmp.resolve("fixed"), "acme-v9")));
      JsonNode fixed = json(f.postJson("/api/v1/rejections/" + replaced + "/reprocess", null));
      assertThat(fixed.get("nowAccepted").asInt()).isEqualTo(1);
      assertThat(fixed.get("rejection").get("state").asText()).isEqualTo("reprocessed");
      assertThat(fixed.get("nowOpen")).isEmpty();
      assertThat(json(f.get("/api/v1/rejections?reason=no-template")).get("rejections")).isEmpty();
      assertThat(json(f.get("/api/v1/rejections?state=all&reason=no-template")).get("rejections"))
          .hasSize(2);

      assertProblem(f.get("/api/v1/rejections/99999"), 404, "unknown-rejection");
      assertProblem(f.get("/api/v1/rejections/abc"), 400, "bad-parameter");
      assertProblem(f.get("/api/v1/rejections?state=closed"), 400, "bad-parameter");
      assertProblem(f.get("/api/v1/raw-messages/nope"), 404, "unknown-raw-message");
    }
  }

  @Test
  void rejectionsAreReprocessedInBulkAndDiscardedWithAReason() throws Exception {
    try (ApiFixture f = start()) {
      for (int i = 0; i < 3; i++) {
        ingest(f, "acme-v9", ApiFixture.acmeVitals("ACME-" + i, "ICU-" + i, TS));
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> f.quarantine().size() == 3);
      List<Long> ids = f.quarantine().stream().map(q -> q.seq()).toList();

      assertProblem(
          f.postJson("/api/v1/rejections/" + ids.get(0) + "/discard", "{}"), 400, "bad-body");
      assertProblem(
          f.postJson("/api/v1/rejections/" + ids.get(0) + "/discard", "[1]"), 400, "bad-body");
      JsonNode discarded =
          json(
              f.postJson(
                  "/api/v1/rejections/" + ids.get(0) + "/discard",
                  "{\"reason\":\"test message from biomed\"}"));
      assertThat(discarded.get("state").asText()).isEqualTo("discarded");
      assertThat(discarded.get("resolutionNote").asText()).isEqualTo("test message from biomed");
      assertProblem(
          f.postJson("/api/v1/rejections/" + ids.get(0) + "/discard", "{\"reason\":\"again\"}"),
          409,
          "rejection-resolved");

      f.mapping.set(
          ApiFixture.processor(ApiFixture.templatesWith(tmp.resolve("fixed"), "acme-v9")));
      JsonNode report =
          json(f.postJson("/api/v1/rejections/reprocess", "{\"seqs\":[" + ids.get(1) + "]}"));
      assertThat(report.get("nowAccepted").asInt()).isEqualTo(1);
      JsonNode rest =
          json(f.postJson("/api/v1/rejections/reprocess", "{\"reason\":\"no-template\"}"));
      assertThat(rest.get("messages").asInt()).isEqualTo(1);
      assertThat(json(f.postJson("/api/v1/rejections/reprocess", null)).get("messages").asInt())
          .isZero();
      assertThat(f.quarantine()).isEmpty();
      assertProblem(
          f.postJson("/api/v1/rejections/reprocess", "{\"seqs\":\"all\"}"), 400, "bad-body");
    }
  }

  @Test
  void withoutAMappingReprocessingIsUnavailable() throws Exception {
    try (ApiFixture f = start();
        HttpApi bare =
            HttpApi.start(
                HttpApiConfig.defaults().withAddress("127.0.0.1", 0),
                f.store,
                f.clock,
                java.util.Map.of())) {
      var r =
          f.http.send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create(
                          "http://127.0.0.1:" + bare.port() + "/api/v1/rejections/reprocess"))
                  .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertProblem(r, 503, "mapping-unavailable");
    }
  }

  @Test
  void theJournalIsSearchedByDeviceAndState() throws Exception {
    try (ApiFixture f = start()) {
      ingest(f, "acme-bedside", ApiFixture.acmeVitals("ACME-1", "ICU-1", TS));
      ingest(f, "acme-bedside", ApiFixture.acme("ACME-2", "ICU-2", TS, "\"spo2\":150"));
      await().atMost(Duration.ofSeconds(20)).until(() -> f.quarantine().size() == 1);
      awaitMeasurements(f, 2);
      String window = "from=2026-11-24T00:00:00Z&to=2026-11-25T00:00:00Z";
      JsonNode all = json(f.get("/api/v1/raw-messages?" + window));
      assertThat(all.get("rawMessages")).hasSize(2);
      assertThat(all.get("rawMessages").get(0).has("payloadBase64")).isFalse();
      JsonNode rejected = json(f.get("/api/v1/raw-messages?state=rejected&" + window));
      assertThat(rejected.get("rawMessages")).hasSize(1);
      JsonNode one = json(f.get("/api/v1/raw-messages?device=ACME-1&" + window));
      assertThat(one.get("rawMessages")).hasSize(1);
      assertThat(one.get("rawMessages").get(0).get("state").asText()).isEqualTo("processed");
      JsonNode page = json(f.get("/api/v1/raw-messages?limit=1&" + window));
      assertThat(page.get("next").isNull()).isFalse();
      assertProblem(f.get("/api/v1/raw-messages?state=odd"), 400, "bad-parameter");
    }
  }

  @Test
  void destinationsReportTheirBacklogAndArePausedResumedAndReplayed() throws Exception {
    try (ApiFixture f = start()) {
      ingest(f, "acme-bedside", ApiFixture.acmeVitals("ACME-1", "ICU-1", TS));
      awaitMeasurements(f, 2);
      JsonNode list = json(f.get("/api/v1/destinations"));
      assertThat(list.get("destinations")).hasSize(1);
      JsonNode fhir = list.get("destinations").get(0);
      assertThat(fhir.get("name").asText()).isEqualTo("fhir");
      assertThat(fhir.get("backlog").asInt()).isEqualTo(2);
      assertThat(fhir.get("state").asText()).isEqualTo("running");

      JsonNode paused =
          json(f.postJson("/api/v1/destinations/fhir/pause", "{\"reason\":\"EHR downtime\"}"));
      assertThat(paused.get("state").asText()).isEqualTo("paused");
      assertThat(paused.get("pauseReason").asText()).isEqualTo("EHR downtime");
      assertThat(f.store.outbox().due("fhir", 10)).isEmpty();
      assertThat(json(f.postJson("/api/v1/destinations/fhir/resume", null)).get("state").asText())
          .isEqualTo("running");

      List<OutboxEntry> due = f.store.outbox().due("fhir", 10);
      f.store.outbox().deadLetter(due, "HTTP 422 from the EHR");
      JsonNode dead = json(f.get("/api/v1/destinations/fhir/dead-letters"));
      assertThat(dead.get("deadLetters")).hasSize(2);
      assertThat(json(f.get("/api/v1/destinations/fhir")).get("lastError").asText())
          .isEqualTo("HTTP 422 from the EHR");
      JsonNode replayed = json(f.postJson("/api/v1/destinations/fhir/dead-letters/replay", null));
      assertThat(replayed.get("requeued").asInt()).isEqualTo(2);
      assertThat(replayed.get("destination").get("backlog").asInt()).isEqualTo(2);

      assertProblem(f.get("/api/v1/destinations/kafka"), 404, "unknown-destination");
      assertProblem(
          f.postJson("/api/v1/destinations/kafka/pause", null), 404, "unknown-destination");
      assertProblem(
          f.postJson("/api/v1/destinations/fhir/pause", "{\"reason\":5}"), 400, "bad-body");
    }
  }

  @Test
  void associationsAreCreatedListedAndEnded() throws Exception {
    try (ApiFixture f = start()) {
      JsonNode created =
          json(
              f.postJson(
                  "/api/v1/associations",
                  "{\"bed\":\"ICU-4\",\"patient\":\"P-1\",\"validFrom\":\"2026-11-24T09:00:00Z\"}"));
      assertThat(created.get("reattributed").asInt()).isZero();
      ingest(f, "acme-bedside", ApiFixture.acmeVitals("ACME-4", "ICU-4", TS));
      awaitMeasurements(f, 2);
      assertThat(json(f.get("/api/v1/measurements?patient=P-1&" + WINDOW)).get("measurements"))
          .hasSize(2);
      JsonNode list = json(f.get("/api/v1/associations?bed=ICU-4"));
      assertThat(list.get("associations")).hasSize(1);
      assertThat(list.get("associations").get(0).get("patient").asText()).isEqualTo("P-1");
      assertThat(list.get("associations").get(0).get("current").asBoolean()).isTrue();
      JsonNode ended =
          json(
              f.postJson(
                  "/api/v1/associations/end",
                  "{\"bed\":\"ICU-4\",\"validTo\":\"2026-11-24T10:00:00Z\"}"));
      assertThat(ended.get("reattributed").asInt()).isEqualTo(2);

      assertProblem(f.get("/api/v1/associations"), 400, "bad-parameter");
      assertProblem(f.postJson("/api/v1/associations", "{\"bed\":\"ICU-4\"}"), 400, "bad-body");
      assertProblem(
          f.postJson(
              "/api/v1/associations", "{\"bed\":\"ICU-4\",\"patient\":\"P\",\"validFrom\":\"x\"}"),
          400,
          "bad-body");
      assertProblem(f.postJson("/api/v1/associations/end", "{}"), 400, "bad-body");
    }
  }

  @Test
  void templatesAreListedValidatedAndDryRun() throws Exception {
    try (ApiFixture f = start()) {
      JsonNode list = json(f.get("/api/v1/templates"));
      assertThat(
              ApiFixture.strings(
                  list.get("templates").findValues("id").stream()
                      .collect(
                          com.fasterxml.jackson.databind.node.JsonNodeFactory.instance::arrayNode,
                          com.fasterxml.jackson.databind.node.ArrayNode::add,
                          com.fasterxml.jackson.databind.node.ArrayNode::addAll)))
          .contains("acme-bedside", "nova-wearable");
      assertThat(list.get("errors")).isEmpty();

      byte[] good =
          java.nio.file.Files.readAllBytes(ApiFixture.TEMPLATES.resolve("10-acme-bedside.yaml"));
      JsonNode valid = json(f.post("/api/v1/templates/validate", "application/yaml", good));
      assertThat(valid.get("valid").asBoolean()).isTrue();
      assertThat(valid.get("id").asText()).isEqualTo("acme-bedside");
      JsonNode invalid =
          assertProblem(
              f.post(
                  "/api/v1/templates/validate",
                  "application/yaml",
                  utf8("template: x\nversion: 1\ndevice: $.d\nbogus: 1\nmeasurements: []\n")),
              422,
              "invalid-template");
      assertThat(invalid.get("errors").get(0).asText()).startsWith("template.yaml:");
      assertProblem(
          f.post("/api/v1/templates/validate", "application/yaml", new byte[0]), 400, "bad-body");

      JsonNode dry =
          json(
              f.post(
                  "/api/v1/templates/acme-bedside/dry-run",
                  "application/json",
                  utf8(ApiFixture.acme("ACME-5", "ICU-5", TS, "\"hr\":72,\"spo2\":150"))));
      assertThat(dry.get("measurements")).hasSize(1);
      assertThat(dry.get("rejections").get(0).get("reason").asText()).isEqualTo("out-of-range");
      assertThat(f.rawCount()).as("a dry run stores nothing").isZero();
      assertProblem(
          f.post("/api/v1/templates/nope/dry-run", "application/json", utf8("{}")),
          404,
          "unknown-template");
    }
  }

  @Test
  void flowDevicesConsoleAndOpenApiAreServed() throws Exception {
    try (ApiFixture f = start()) {
      ingest(f, "acme-bedside", ApiFixture.acmeVitals("ACME-1", "ICU-1", TS));
      ingest(f, "acme-bedside", ApiFixture.acme("ACME-1", "ICU-1", TS, "\"spo2\":150"));
      awaitMeasurements(f, 2);
      await().atMost(Duration.ofSeconds(20)).until(() -> f.quarantine().size() == 1);

      JsonNode flow = json(f.get("/api/v1/flow"));
      assertThat(flow.get("adapters").get(0).get("name").asText()).isEqualTo("http");
      assertThat(flow.get("adapters").get(0).get("perMinute").asDouble()).isEqualTo(0.4);
      assertThat(flow.get("adapters").get(0).get("openRejections").asInt()).isEqualTo(1);
      assertThat(flow.get("destinations").get(0).get("name").asText()).isEqualTo("fhir");
      assertThat(flow.get("openRejections").asInt()).isEqualTo(1);
      JsonNode device = json(f.get("/api/v1/devices/ACME-1"));
      assertThat(device.get("perMinute").asDouble()).isEqualTo(0.4);

      HttpResponse<byte[]> root = f.get("/");
      assertThat(root.statusCode()).isIn(301, 302, 303, 307, 308);
      assertThat(root.headers().firstValue("Location")).hasValue("/console/");
      HttpResponse<byte[]> page = f.get("/console/");
      assertThat(page.statusCode()).isEqualTo(200);
      String html = new String(page.body(), StandardCharsets.UTF_8);
      assertThat(html)
          .contains("<title>VitalBridge console</title>")
          .doesNotContain("http://", "https://");
      assertThat(f.get("/console/console.js").statusCode()).isEqualTo(200);
      assertThat(f.get("/console/console.css").statusCode()).isEqualTo(200);

      JsonNode doc = json(f.get("/api/openapi.json"));
      assertThat(doc.get("openapi").asText()).startsWith("3.1");
      assertProblem(f.get("/api/v1/nope"), 404, "not-found");
    }
  }
}
