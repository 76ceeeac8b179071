package org.vitalbridge.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vitalbridge.server.http.ApiFixture.assertProblem;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.security.auth.Role;

/**
 * The authorization matrix: every route of {@link ApiRoutes} × every caller (no token, device,
 * viewer, integrator, admin) over real HTTP and WebSocket handshakes. Expectations follow from the
 * route's role and the hierarchy (admin ⊇ integrator ⊇ viewer; device ingests only): no token → 401
 * with a {@code Bearer} challenge; a role that does not satisfy the route → 403; otherwise any
 * status but 401/403. A few cells are hard-coded as well, so a wrong table cannot pass.
 */
class AuthorizationMatrixIT {
  private static final String[] CALLERS = {"none", "device", "viewer", "integrator", "admin"};

  @TempDir Path tmp;

  private record Cell(String caller, String method, String path, int status) {}

  @Test
  void everyRoleOnEveryEndpointGetsWhatTheTableSays() throws Exception {
    AtomicReference<TestTokens> tokens = new AtomicReference<>();
    try (ApiFixture f =
        ApiFixture.secured(
            tmp,
            ApiFixture.sqlite(tmp).withDestinations(List.of("fhir")),
            s -> {
              TestTokens t = new TestTokens(s);
              tokens.set(t);
              return t.access;
            })) {
      List<Cell> cells = new ArrayList<>();
      List<String> wrong = new ArrayList<>();
      for (ApiRoute r : f.api.routes()) {
        for (String caller : CALLERS) {
          String token = caller.equals("none") ? null : tokens.get().of(Role.of(caller));
          String path = concrete(r.path());
          int status =
              r.socket() != null ? handshake(f, path, token) : call(f, r.method(), path, token);
          cells.add(new Cell(caller, r.method(), r.path(), status));
          int expected = expected(r.role(), caller);
          boolean ok =
              expected == 0 ? status != 401 && status != 403 && status < 500 : status == expected;
          if (!ok) {
            wrong.add(
                caller
                    + " "
                    + r.method()
                    + " "
                    + r.path()
                    + ": "
                    + status
                    + ", expected "
                    + (expected == 0 ? "neither 401 nor 403" : expected));
          }
        }
      }
      assertThat(wrong).as("cells off the table").isEmpty();
      assertThat(cells).hasSize(f.api.routes().size() * CALLERS.length);

      // Spot checks, independent of the expectation rule above.
      assertThat(status(cells, "none", "GET", "/health")).isEqualTo(200);
      assertThat(status(cells, "none", "GET", "/metrics")).isEqualTo(200);
      assertThat(status(cells, "none", "GET", "/api/v1/flow")).isEqualTo(401);
      assertThat(status(cells, "viewer", "GET", "/api/v1/measurements")).isEqualTo(200);
      assertThat(status(cells, "device", "GET", "/api/v1/measurements")).isEqualTo(403);
      assertThat(status(cells, "device", "POST", "/api/v1/ingest/{template}")).isEqualTo(202);
      assertThat(status(cells, "viewer", "POST", "/api/v1/ingest/{template}")).isEqualTo(403);
      assertThat(status(cells, "viewer", "POST", "/api/v1/rejections/{seq}/reprocess"))
          .isEqualTo(403);
      assertThat(status(cells, "integrator", "POST", "/api/v1/destinations/{name}/pause"))
          .isEqualTo(403);
      assertThat(status(cells, "admin", "POST", "/api/v1/destinations/{name}/pause"))
          .isEqualTo(200);
      assertThat(status(cells, "integrator", "GET", "/api/v1/raw-messages")).isEqualTo(200);
      assertThat(status(cells, "integrator", "GET", "/api/v1/audit/verify")).isEqualTo(403);
      assertThat(status(cells, "admin", "GET", "/api/v1/audit/verify")).isEqualTo(200);
      assertThat(status(cells, "viewer", "WS", "/api/v1/stream")).isEqualTo(101);
      assertThat(status(cells, "device", "WS", "/api/v1/stream")).isEqualTo(403);
      assertThat(status(cells, "none", "WS", "/api/v1/ingest/{template}/ws")).isEqualTo(401);
      assertThat(status(cells, "device", "WS", "/api/v1/ingest/{template}/ws")).isEqualTo(101);
    }
  }

  @Test
  void refusalsAreProblemsWithBearerChallenges() throws Exception {
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
      HttpResponse<byte[]> none = f.get("/api/v1/devices", null);
      assertProblem(none, 401, "unauthorized");
      assertThat(none.headers().firstValue("WWW-Authenticate"))
          .hasValue("Bearer realm=\"vitalbridge\"");

      HttpResponse<byte[]> bad = f.get("/api/v1/devices", "vb_0123.not-the-secret");
      assertProblem(bad, 401, "invalid-token");
      assertThat(bad.headers().firstValue("WWW-Authenticate").orElseThrow())
          .startsWith("Bearer realm=\"vitalbridge\", error=\"invalid_token\", error_description=");

      HttpResponse<byte[]> low = f.get("/api/v1/devices", tokens.get().of(Role.DEVICE));
      assertThat(assertProblem(low, 403, "insufficient-scope").get("requiredRole").asText())
          .isEqualTo("viewer");
      assertThat(low.headers().firstValue("WWW-Authenticate").orElseThrow())
          .contains("error=\"insufficient_scope\"");

      // A token in the query string is for WebSocket handshakes only.
      assertProblem(
          f.get("/api/v1/devices?access_token=" + tokens.get().of(Role.VIEWER), null),
          401,
          "unauthorized");
      // The scheme is case-insensitive (RFC 7235).
      HttpResponse<byte[]> lower =
          f.http.send(
              HttpRequest.newBuilder(f.uri("/api/v1/devices"))
                  .header("Authorization", "bearer " + tokens.get().of(Role.VIEWER))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(lower.statusCode()).isEqualTo(200);
    }
  }

  /** 0: admitted (any status but 401/403); else the refusal status. */
  static int expected(ApiRole route, String caller) {
    Role required = route.required();
    if (required == null) {
      return 0;
    }
    if (caller.equals("none")) {
      return 401;
    }
    return Role.of(caller).satisfies(required) ? 0 : 403;
  }

  private static int status(List<Cell> cells, String caller, String method, String path) {
    return cells.stream()
        .filter(
            c -> c.caller().equals(caller) && c.method().equals(method) && c.path().equals(path))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no cell " + caller + " " + method + " " + path))
        .status();
  }

  private static String concrete(String path) {
    return path.replace("{template}", "acme-bedside")
        .replace("{seq}", "1")
        .replace("{id}", "ACME-1")
        .replace("{name}", "fhir")
        .replace("{patient}", "MRN-1");
  }

  private static int call(ApiFixture f, String method, String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(f.uri(path)).timeout(Duration.ofSeconds(30));
    if (method.equals("POST")) {
      String body =
          path.startsWith("/api/v1/ingest/")
              ? ApiFixture.acmeVitals("ACME-1", "ICU-1", ApiFixture.NOW.minusSeconds(30))
              : path.endsWith("/discard") ? "{\"reason\":\"test\"}" : "{}";
      b.header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    } else {
      b.GET();
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return f.http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** 101 when the WebSocket opened, else the handshake's HTTP status. */
  private static int handshake(ApiFixture f, String path, String token) throws Exception {
    WebSocket.Builder b = f.http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    try {
      WebSocket ws =
          b.buildAsync(URI.create(f.ws(path).toString()), new WebSocket.Listener() {})
              .get(10, TimeUnit.SECONDS);
      ws.abort();
      return 101;
    } catch (ExecutionException | CompletionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException h) {
        return h.getResponse().statusCode();
      }
      throw e;
    }
  }

  static HttpClient client() {
    return HttpClient.newHttpClient();
  }
}
