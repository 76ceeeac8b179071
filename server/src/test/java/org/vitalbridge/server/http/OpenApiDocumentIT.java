package org.vitalbridge.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document served at /api/openapi.json describes exactly the routes the API registers
 * (so neither can change without the other), each with its role, and docs/http-api.md names every
 * route too.
 */
class OpenApiDocumentIT {
  @TempDir Path tmp;

  @Test
  void everyRegisteredRouteIsDocumentedWithItsRoleAndNothingElseIs() throws Exception {
    try (ApiFixture f = ApiFixture.start(tmp)) {
      JsonNode doc = ApiFixture.json(f.get(OpenApi.PATH));
      assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
      Set<String> registered = new TreeSet<>();
      List<String> missing = new ArrayList<>();
      for (ApiRoute r : f.api.routes()) {
        String method = r.method().equals("WS") ? "get" : r.method().toLowerCase(Locale.ROOT);
        registered.add(method + " " + r.path());
        JsonNode op = doc.path("paths").path(r.path()).path(method);
        if (op.isMissingNode()) {
          missing.add(r.method() + " " + r.path());
          continue;
        }
        assertThat(op.path("x-vitalbridge-role").asText())
            .as(r.method() + " " + r.path())
            .isEqualTo(r.role().name().toLowerCase(Locale.ROOT));
        assertThat(op.path("x-websocket").asBoolean()).isEqualTo(r.method().equals("WS"));
        for (String status : iterable(op.path("responses").fieldNames())) {
          if (status.startsWith("4") || status.startsWith("5")) {
            JsonNode content = op.path("responses").path(status).path("content");
            if (content.has("application/problem+json") || content.has("application/json")) {
              continue;
            }
            missing.add(r.path() + " " + status + " has no body");
          }
        }
      }
      assertThat(missing)
          .as("add these to server/src/main/resources/org/vitalbridge/server/http/openapi.json")
          .isEmpty();
      Set<String> documented = new TreeSet<>();
      doc.path("paths")
          .fields()
          .forEachRemaining(
              p ->
                  p.getValue()
                      .fieldNames()
                      .forEachRemaining(m -> documented.add(m + " " + p.getKey())));
      assertThat(documented).as("documented but not registered").isEqualTo(registered);

      String guide = Files.readString(ApiFixture.ROOT.resolve("docs").resolve("http-api.md"));
      List<String> undocumented = new ArrayList<>();
      for (ApiRoute r : f.api.routes()) {
        if (!guide.contains(r.path())) {
          undocumented.add(r.path());
        }
      }
      assertThat(undocumented).as("name these in docs/http-api.md").isEmpty();
    }
  }

  private static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
    return () -> it;
  }
}
