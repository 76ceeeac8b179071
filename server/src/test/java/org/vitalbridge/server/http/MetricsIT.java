package org.vitalbridge.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.store.OutboxEntry;

/** {@code GET /metrics} in Prometheus text format, counting what ingest did. */
class MetricsIT {
  @TempDir Path tmp;

  private static String scrape(ApiFixture f) throws Exception {
    HttpResponse<String> r =
        f.http.send(
            HttpRequest.newBuilder(f.uri("/metrics")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    return r.body();
  }

  @Test
  void ingestAnswersAndStoredMeasurementsAreCountedBesideTheJvmAndTheJournal() throws Exception {
    try (ApiFixture f = ApiFixture.start(tmp)) {
      String before = scrape(f);
      assertThat(before).contains("vitalbridge_journal_backlog").contains("jvm_memory_used_bytes");
      assertThat(before).doesNotContain("vitalbridge_measurements_stored_total");

      byte[] vitals =
          ApiFixture.utf8(
              ApiFixture.acmeVitals("ACME-9", "ICU-2", Instant.parse("2026-11-24T10:15:00Z")));
      assertThat(f.post("/api/v1/ingest/acme-bedside", "application/json", vitals).statusCode())
          .isEqualTo(202);
      assertThat(f.post("/api/v1/ingest/acme-bedside", "text/plain", vitals).statusCode())
          .isEqualTo(415);

      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(scrape(f))
                      .contains("vitalbridge_measurements_stored_total{adapter=\"http\"} 2.0"));
      String after = scrape(f);
      assertThat(after)
          .contains("vitalbridge_http_ingest_answers_total{endpoint=\"single\",status=\"202\"} 1.0")
          .contains(
              "vitalbridge_http_ingest_answers_total{endpoint=\"single\",status=\"415\"} 1.0");
    }
  }

  @Test
  void receivedRejectedLatencyAndDestinationFailuresArePerAdapterAndPerDestination()
      throws Exception {
    try (ApiFixture f =
        ApiFixture.start(tmp, ApiFixture.sqlite(tmp).withDestinations(List.of("fhir")), c -> c)) {
      byte[] vitals =
          ApiFixture.utf8(
              ApiFixture.acmeVitals("ACME-9", "ICU-2", Instant.parse("2026-11-24T10:15:00Z")));
      assertThat(f.post("/api/v1/ingest/acme-bedside", "application/json", vitals).statusCode())
          .isEqualTo(202);
      // Valid JSON the template cannot map: journaled, then quarantined by the pipeline.
      f.post("/api/v1/ingest/acme-bedside", "application/json", ApiFixture.utf8("{\"x\":1}"));
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(scrape(f))
                      .contains("vitalbridge_messages_received_total{adapter=\"http\"} 2.0")
                      .contains("vitalbridge_messages_rejected_total{adapter=\"http\"} 1.0")
                      .contains("vitalbridge_pipeline_latency_seconds_count{adapter=\"http\"} 2")
                      .containsPattern(
                          "vitalbridge_pipeline_latency_seconds_bucket\\{adapter=\"http\",le=\"[0-9.]+\"\\}"));

      List<OutboxEntry> due = f.store.outbox().due("fhir", 10);
      assertThat(due).hasSize(2);
      f.store.outbox().failed(due.subList(0, 1), "503 from the FHIR server");
      f.store.outbox().deadLetter(due.subList(1, 2), "422 OperationOutcome");
      // Destination figures are queries, refreshed at most every 5 s.
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(scrape(f))
                      .contains("vitalbridge_destination_backlog{destination=\"fhir\"} 1.0")
                      .contains("vitalbridge_destination_failing{destination=\"fhir\"} 1.0")
                      .contains("vitalbridge_destination_dead{destination=\"fhir\"} 1.0"));
    }
  }
}
