package org.vitalbridge.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Instant;
import org.vitalbridge.core.ConfigurationException;
import org.vitalbridge.core.pipeline.MessageProcessor;

/** Reading JSON request bodies and writing JSON answers for the operator endpoints. */
final class Replies {
  private static final int MAX_BODY = 1 << 20;

  private Replies() {}

  static void json(Context ctx, int status, JsonNode body) {
    ctx.status(status);
    ctx.contentType("application/json");
    ctx.result(Json.bytes(body));
  }

  static void json(Context ctx, JsonNode body) {
    json(ctx, 200, body);
  }

  /** The request body as a JSON object; an empty body is an empty object. */
  static ObjectNode body(Context ctx) {
    byte[] bytes = ctx.bodyAsBytes();
    if (bytes.length > MAX_BODY) {
      throw Problem.of("payload-too-large", "Payload too large", 413, "at most 1 MiB", ctx.path())
          .with("limit", MAX_BODY)
          .raise();
    }
    if (bytes.length == 0) {
      return Json.MAPPER.createObjectNode();
    }
    try {
      JsonNode n = Json.MAPPER.readTree(bytes);
      if (n instanceof ObjectNode o) {
        return o;
      }
    } catch (IOException e) {
      // answered below
    }
    throw Problem.of(
            "bad-body", "Bad request body", 400, "the body must be one JSON object", ctx.path())
        .raise();
  }

  /** A text member, or null when absent; anything but text is a 400. */
  static String text(Context ctx, JsonNode body, String name) {
    JsonNode n = body.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual() || n.asText().isBlank()) {
      throw badMember(ctx, name, "must be a non-empty string");
    }
    return n.asText();
  }

  /** An ISO-8601 instant member, or {@code otherwise} when absent. */
  static Instant instant(Context ctx, JsonNode body, String name, Instant otherwise) {
    String v = text(ctx, body, name);
    if (v == null) {
      return otherwise;
    }
    try {
      return java.time.OffsetDateTime.parse(v).toInstant();
    } catch (java.time.format.DateTimeParseException e) {
      throw badMember(ctx, name, "must be an ISO-8601 date-time with offset");
    }
  }

  static Problem.Raised badMember(Context ctx, String name, String why) {
    return Problem.of("bad-body", "Bad request body", 400, "'" + name + "' " + why, ctx.path())
        .with("member", name)
        .raise();
  }

  static void putInstant(ObjectNode o, String name, Instant at) {
    if (at == null) {
      o.putNull(name);
    } else {
      o.put(name, at.toString());
    }
  }

  static void putText(ObjectNode o, String name, String value) {
    if (value == null) {
      o.putNull(name);
    } else {
      o.put(name, value);
    }
  }

  /** The mapping as it is on disk now; 503 when there is none or it does not load. */
  static MessageProcessor mapping(Context ctx, Operations ops) {
    if (ops.mapping() == null) {
      throw Problem.of(
              "mapping-unavailable",
              "Mapping unavailable",
              503,
              "this server runs without a mapping configuration",
              ctx.path())
          .raise();
    }
    try {
      return ops.mapping().get();
    } catch (ConfigurationException e) {
      throw Problem.of(
              "mapping-unavailable",
              "Mapping unavailable",
              503,
              "the templates or terminology on disk do not load; fix them first: " + e.getMessage(),
              ctx.path())
          .raise();
    }
  }
}
