package org.vitalbridge.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.security.auth.Role;
import org.vitalbridge.store.AuditEntry;
import org.vitalbridge.store.AuditEvent;

/**
 * The audit trail of the API: a PHI read names who, role, what (without the patient id), the
 * patient, where from and the outcome; refused calls, a reprocess, an association and a stream
 * subscription are recorded too; open routes and ingest are not. The chain verifies afterwards.
 */
class ApiAuditIT {
  @TempDir Path tmp;

  @Test
  void phiReadsActionsAndRefusalsAreAudited() throws Exception {
    AtomicReference<TestTokens> tokens = new AtomicReference<>();
    try (ApiFixture f =
        ApiFixture.secured(
            tmp,
            ApiFixture.sqlite(tmp),
            s -> {
              TestTokens t = new TestTokens(s);
              tokens.set(t);
              return t.access;
            })) {
      String viewer = tokens.get().of(Role.VIEWER);
      String integrator = tokens.get().of(Role.INTEGRATOR);
      String device = tokens.get().of(Role.DEVICE);

      // Not audited: probes and ingest (the journal records what devices send).
      assertThat(f.get("/health").statusCode()).isEqualTo(200);
      assertThat(
              post(
                      f,
                      "/api/v1/ingest/acme-v9",
                      device,
                      ApiFixture.acmeVitals("ACME-9", "ICU-9", ApiFixture.NOW))
                  .statusCode())
          .isEqualTo(404);
      await().atMost(Duration.ofSeconds(20)).until(() -> f.quarantine().size() == 1);
      // The token's subject is journaled as the sender's identity.
      assertThat(f.raws().get(0).message().deviceIdentity()).isEqualTo("token:device-user");
      assertThat(f.store.audit().entries(0, 100)).isEmpty();

      // A PHI read.
      assertThat(
              f.get("/api/v1/measurements?patient=P-0077&device=ACME-1&limit=5", viewer)
                  .statusCode())
          .isEqualTo(200);
      AuditEvent read = last(f).event();
      assertThat(read.actor()).isEqualTo("viewer-user");
      assertThat(read.role()).isEqualTo("viewer");
      assertThat(read.action()).isEqualTo("GET /api/v1/measurements");
      assertThat(read.resource()).isEqualTo("device=ACME-1&limit=5");
      assertThat(read.patient()).isEqualTo("P-0077");
      assertThat(read.source()).isEqualTo("127.0.0.1");
      assertThat(read.outcome()).isEqualTo("200");
      assertThat(read.detail()).isEqualTo("via local");

      // Refused: no token, then a device token on a viewer route.
      assertThat(f.get("/api/v1/measurements?patient=P-0077", null).statusCode()).isEqualTo(401);
      AuditEvent anonymous = last(f).event();
      assertThat(anonymous.actor()).isEqualTo("anonymous");
      assertThat(anonymous.outcome()).isEqualTo("401");
      assertThat(anonymous.patient()).isEqualTo("P-0077");
      assertThat(f.get("/api/v1/flow", device).statusCode()).isEqualTo(403);
      AuditEvent refused = last(f).event();
      assertThat(refused.actor()).isEqualTo("device-user");
      assertThat(refused.role()).isEqualTo("device");
      assertThat(refused.action()).isEqualTo("GET /api/v1/flow");
      assertThat(refused.outcome()).isEqualTo("403");
      assertThat(refused.detail()).isEqualTo("needs role viewer");

      // An integrator action: reprocess the quarantined payload (still no template: 200).
      long seq = f.quarantine().get(0).seq();
      assertThat(post(f, "/api/v1/rejections/" + seq + "/reprocess", integrator, "{}").statusCode())
          .isEqualTo(200);
      AuditEvent reprocess = last(f).event();
      assertThat(reprocess.action()).isEqualTo("POST /api/v1/rejections/{seq}/reprocess");
      assertThat(reprocess.resource()).isEqualTo("seq=" + seq);
      assertThat(reprocess.role()).isEqualTo("integrator");
      assertThat(reprocess.outcome()).isEqualTo("200");

      // An association names its patient in the body; the handler still reads the body.
      assertThat(
              post(
                      f,
                      "/api/v1/associations",
                      integrator,
                      "{\"bed\":\"ICU-1\",\"patient\":\"P-0042\"}")
                  .statusCode())
          .isEqualTo(201);
      AuditEvent assoc = last(f).event();
      assertThat(assoc.patient()).isEqualTo("P-0042");
      assertThat(assoc.outcome()).isEqualTo("201");
      // A refused action of a problem status is audited with that status.
      assertThat(
              post(f, "/api/v1/rejections/999/discard", integrator, "{\"reason\":\"x\"}")
                  .statusCode())
          .isEqualTo(404);
      assertThat(last(f).event().outcome()).isEqualTo("404");

      // A live-stream subscription, the token in the query as a browser sends it.
      WebSocket ws =
          f.http
              .newWebSocketBuilder()
              .buildAsync(
                  URI.create(
                      f.ws("/api/v1/stream?patient=P-0042&access_token=" + viewer).toString()),
                  new WebSocket.Listener() {})
              .get(10, TimeUnit.SECONDS);
      ws.abort();
      AuditEvent stream = last(f).event();
      assertThat(stream.action()).isEqualTo("WS /api/v1/stream");
      assertThat(stream.outcome()).isEqualTo("101");
      assertThat(stream.patient()).isEqualTo("P-0042");
      assertThat(stream.resource()).isNull();

      List<AuditEntry> all = f.store.audit().entries(0, 100);
      assertThat(all).hasSize(7);
      assertThat(all).noneMatch(e -> String.valueOf(e.event().resource()).contains("P-00"));
      assertThat(all).noneMatch(e -> String.valueOf(e.event().resource()).contains("vb_"));
      assertThat(f.store.audit().verify().intact()).isTrue();

      // The running server verifies its chain for an admin; an edit by SQL is reported.
      String admin = tokens.get().of(Role.ADMIN);
      assertThat(ApiFixture.json(f.get("/api/v1/audit/verify", admin)).get("intact").asBoolean())
          .isTrue();
      try (var c =
              java.sql.DriverManager.getConnection("jdbc:sqlite:" + f.storeConfig.sqliteFile());
          var st = c.createStatement()) {
        st.executeUpdate("UPDATE audit SET patient = 'P-9999' WHERE seq = 1");
      }
      var broken = ApiFixture.json(f.get("/api/v1/audit/verify", admin));
      assertThat(broken.get("intact").asBoolean()).isFalse();
      assertThat(broken.get("brokenSeq").asLong()).isEqualTo(1);
      assertThat(broken.get("kind").asText()).isEqualTo("edited");
    }
  }

  private static AuditEntry last(ApiFixture f) {
    List<AuditEntry> all = f.store.audit().entries(0, 1000);
    assertThat(all).isNotEmpty();
    return all.get(all.size() - 1);
  }

  private static HttpResponse<byte[]> post(ApiFixture f, String path, String token, String json)
      throws Exception {
    return f.http.send(
        HttpRequest.newBuilder(f.uri(path))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }
}
