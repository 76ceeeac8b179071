package org.vitalbridge.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vitalbridge.server.http.ApiFixture.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.store.OutboxEntry;

/**
 * {@code /api/v1/consents}: simple JSON and FHIR R4 Consent import, read back per patient, audited;
 * a consent-gated destination's withheld entries show in its status and as a metric.
 */
class ConsentApiIT {
  private static final String GATED = "research";
  @TempDir Path tmp;
  private ApiFixture f;

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  private void start() {
    f =
        ApiFixture.start(
            tmp,
            ApiFixture.sqlite(tmp)
                .withDestinations(List.of(GATED))
                .withRequiresConsent(Set.of(GATED)),
            c -> c);
  }

  @Test
  void aSimpleConsentIsRecordedReadBackAndAudited() throws Exception {
    start();

    HttpResponse<byte[]> r =
        f.postJson(
            "/api/v1/consents",
            "{\"patient\":\"MRN-1\",\"state\":\"permit\",\"start\":\"2026-01-01T00:00:00Z\"}");

    assertThat(r.statusCode()).isEqualTo(201);
    JsonNode back = json(f.get("/api/v1/consents/MRN-1"));
    assertThat(back.path("consents")).hasSize(1);
    assertThat(back.at("/consents/0/state").asText()).isEqualTo("permit");
    assertThat(back.at("/consents/0/source").asText()).isEqualTo("api");
    assertThat(back.at("/consents/0/start").asText()).isEqualTo("2026-01-01T00:00:00Z");
    // The consent decision itself, and (ApiAudit) the integrator action that recorded it.
    assertThat(audited()).contains("consent.permit recorded", "POST /api/v1/consents 201");
  }

  @Test
  void aFhirConsentIsImportedAndItsWithdrawalReplacesIt() throws Exception {
    start();
    String consent =
        "{\"resourceType\":\"Consent\",\"id\":\"c-77\",\"status\":\"%s\","
            + "\"scope\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/"
            + "consentscope\",\"code\":\"research\"}]},"
            + "\"category\":[{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"57016-8\"}]}],"
            + "\"patient\":{\"identifier\":{\"system\":\"urn:mrn\",\"value\":\"MRN-2\"}},"
            + "\"provision\":{\"type\":\"permit\",\"period\":{\"start\":\"2026-11-01T00:00:00Z\"}}}";

    assertThat(f.postJson("/api/v1/consents", String.format(consent, "active")).statusCode())
        .isEqualTo(201);
    assertThat(f.store.consents().permits("MRN-2", Instant.parse("2026-11-20T00:00:00Z"))).isTrue();
    assertThat(f.store.consents().permits("MRN-2", Instant.parse("2026-10-20T00:00:00Z")))
        .isFalse();

    assertThat(f.postJson("/api/v1/consents", String.format(consent, "inactive")).statusCode())
        .isEqualTo(201);
    JsonNode back = json(f.get("/api/v1/consents/MRN-2"));
    assertThat(back.path("consents")).hasSize(1);
    assertThat(back.at("/consents/0/source").asText()).isEqualTo("Consent/c-77");
    assertThat(back.at("/consents/0/state").asText()).isEqualTo("deny");
    assertThat(f.store.consents().permits("MRN-2", Instant.parse("2026-11-20T00:00:00Z")))
        .isFalse();
  }

  @Test
  void aBadConsentIsAProblem() throws Exception {
    start();

    HttpResponse<byte[]> noState = f.postJson("/api/v1/consents", "{\"patient\":\"MRN-3\"}");
    HttpResponse<byte[]> notConsent =
        f.postJson("/api/v1/consents", "{\"resourceType\":\"Patient\",\"id\":\"p\"}");

    assertThat(noState.statusCode()).isEqualTo(400);
    assertThat(notConsent.statusCode()).isEqualTo(400);
    assertThat(json(notConsent).path("type").asText()).endsWith("bad-consent");
  }

  @Test
  void withheldEntriesShowInTheDestinationStatusAndAsAMetric() throws Exception {
    start();
    f.store.associations().associate("ACME-7", null, "MRN-9", null, Instant.EPOCH, "test");
    HttpResponse<byte[]> in =
        f.postJson(
            "/api/v1/ingest/acme-bedside",
            ApiFixture.acmeVitals("ACME-7", "ICU-1", ApiFixture.NOW.minusSeconds(60)));
    assertThat(in.statusCode()).isEqualTo(202);
    f.store.pipeline().drain();

    List<OutboxEntry> due = f.store.outbox().due(GATED, 10);

    assertThat(due).isEmpty();
    JsonNode status = json(f.get("/api/v1/destinations/" + GATED));
    assertThat(status.path("withheld").asLong()).isEqualTo(2);
    String metrics = new String(f.get("/metrics").body(), StandardCharsets.UTF_8);
    assertThat(metrics).contains("vitalbridge_outbox_withheld{destination=\"research\"} 2.0");

    f.postJson("/api/v1/consents", "{\"patient\":\"MRN-9\",\"state\":\"permit\"}");

    assertThat(f.store.outbox().due(GATED, 10)).hasSize(2);
    assertThat(json(f.get("/api/v1/destinations/" + GATED)).path("withheld").asLong()).isZero();
  }

  private List<String> audited() throws Exception {
    List<String> out = new java.util.ArrayList<>();
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("vb.db"));
        var rs = c.createStatement().executeQuery("SELECT action, outcome FROM audit")) {
      while (rs.next()) {
        out.add(rs.getString(1) + " " + rs.getString(2));
      }
    }
    return out;
  }
}
