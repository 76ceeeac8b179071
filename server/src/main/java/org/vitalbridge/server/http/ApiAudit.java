package org.vitalbridge.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.vitalbridge.security.auth.Principal;
import org.vitalbridge.store.AuditEvent;
import org.vitalbridge.store.AuditLog;

/**
 * Writes the API's entries to the audit trail: who (token subject), role, what (method, route and
 * its parameters — the patient id goes to its own column, never into "what"), which patient, from
 * where (remote address) and the outcome (HTTP status; 101 for a WebSocket subscription). The trail
 * is the one place patient ids are recorded; the log never carries them.
 */
final class ApiAudit {
  static final String PATIENT = "patient";
  private static final Set<String> NOT_IN_RESOURCE = Set.of(PATIENT, AccessControl.QUERY_TOKEN);
  private static final int MAX_RESOURCE = 500;

  private final AuditLog log;

  ApiAudit(AuditLog log) {
    this.log = log;
  }

  void allowed(Context ctx, ApiRoute route, Principal p, String patient, int status) {
    log.append(
        new AuditEvent(
            p.subject(),
            p.rolesText(),
            route.method() + " " + route.path(),
            resource(ctx),
            patient,
            ctx.ip(),
            Integer.toString(status),
            "via " + p.via()));
  }

  /** A refused call; {@code p} is null when no token was accepted. */
  void refused(Context ctx, ApiRoute route, Principal p, int status, String why) {
    log.append(
        new AuditEvent(
            p == null ? "anonymous" : p.subject(),
            p == null ? null : p.rolesText(),
            route.method() + " " + route.path(),
            resource(ctx),
            patient(ctx, route),
            ctx.ip(),
            Integer.toString(status),
            why));
  }

  /**
   * The patient the request names: the {@code patient} query parameter(s), or the {@code patient}
   * member of a JSON body (associations); null when none.
   */
  static String patient(Context ctx, ApiRoute route) {
    List<String> q = ctx.queryParams(PATIENT);
    if (!q.isEmpty()) {
      return String.join(",", q);
    }
    if (route.method().equals("POST") && ctx.contentLength() > 0 && ctx.contentLength() < 65_536) {
      String type = ctx.contentType();
      if (type != null && type.contains("json")) {
        try {
          JsonNode body = Json.MAPPER.readTree(ctx.bodyAsBytes());
          JsonNode p = body == null ? null : body.get(PATIENT);
          return p != null && p.isTextual() ? p.asText() : null;
        } catch (IOException | RuntimeException e) {
          return null; // the handler answers the bad body
        }
      }
    }
    return null;
  }

  /** Path and query parameters but the patient and the token, sorted: {@code a=1&b=2}. */
  private static String resource(Context ctx) {
    Map<String, String> params = new TreeMap<>(ctx.pathParamMap());
    ctx.queryParamMap()
        .forEach(
            (k, v) -> {
              if (!NOT_IN_RESOURCE.contains(k)) {
                params.put(k, String.join(",", v));
              }
            });
    if (params.isEmpty()) {
      return null;
    }
    StringBuilder b = new StringBuilder();
    params.forEach(
        (k, v) -> {
          if (b.length() > 0) {
            b.append('&');
          }
          b.append(k).append('=').append(v);
        });
    return b.length() > MAX_RESOURCE ? b.substring(0, MAX_RESOURCE) : b.toString();
  }
}
