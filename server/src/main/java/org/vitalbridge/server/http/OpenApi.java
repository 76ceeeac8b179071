package org.vitalbridge.server.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /api/openapi.json}: the hand-written OpenAPI 3.1 description of the API, a resource of
 * this jar ({@code openapi.json} beside this class), served as it is.
 */
final class OpenApi {
  static final String PATH = "/api/openapi.json";
  static final String RESOURCE = "openapi.json";
  private static final byte[] DOCUMENT = load();

  private OpenApi() {}

  static void serve(Context ctx) {
    ctx.contentType("application/json");
    ctx.result(DOCUMENT);
  }

  static byte[] document() {
    return DOCUMENT.clone();
  }

  private static byte[] load() {
    try (InputStream in = OpenApi.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks " + RESOURCE);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
