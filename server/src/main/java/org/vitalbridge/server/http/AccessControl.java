package org.vitalbridge.server.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.EnumSet;
import java.util.Locale;
import org.vitalbridge.security.auth.AuthenticationException;
import org.vitalbridge.security.auth.Principal;
import org.vitalbridge.security.auth.Role;

/**
 * Least privilege per endpoint: before a route's handler runs, the bearer token is authenticated
 * and its roles checked against the route's {@link ApiRole}. Missing or invalid token: 401 with an
 * RFC 6750 {@code WWW-Authenticate: Bearer} challenge; a valid token without the role: 403 {@code
 * insufficient_scope}. Both are RFC 9457 problems and audited. The token comes from the {@code
 * Authorization} header; WebSocket handshakes may instead carry it as {@code access_token} query
 * parameter (browsers cannot set headers on a WebSocket; RFC 6750 §2.3), plain HTTP routes may not
 * (a token in a URL ends up in proxy and browser histories).
 */
final class AccessControl {
  static final String PRINCIPAL = "vitalbridge.principal";
  static final String REALM = "vitalbridge";
  static final String QUERY_TOKEN = "access_token";

  private final ApiAccess access;
  private final ApiAudit audit;

  AccessControl(ApiAccess access, ApiAudit audit) {
    this.access = access;
    this.audit = audit;
  }

  /** The route's handler behind the check, audited when the route is. */
  Handler guard(ApiRoute route) {
    return ctx -> {
      Principal p = admit(ctx, route);
      if (!route.audited()) {
        route.handler().handle(ctx);
        return;
      }
      // What the request names is read before the handler consumes it.
      String patient = ApiAudit.patient(ctx, route);
      try {
        route.handler().handle(ctx);
      } catch (Problem.Raised e) {
        audit.allowed(ctx, route, p, patient, e.problem().status());
        throw e;
      } catch (Exception e) {
        audit.allowed(ctx, route, p, patient, 500);
        throw e;
      }
      audit.allowed(ctx, route, p, patient, ctx.statusCode());
    };
  }

  /** A WebSocket route's handshake check ({@code wsBeforeUpgrade}); a PHI stream is audited. */
  Handler guardUpgrade(ApiRoute route) {
    return ctx -> {
      Principal p = admit(ctx, route);
      if (route.audited()) {
        audit.allowed(ctx, route, p, ApiAudit.patient(ctx, route), 101);
      }
    };
  }

  /** The caller, let through, or a 401/403 problem raised (and audited). */
  private Principal admit(Context ctx, ApiRoute route) {
    Role required = route.role().required();
    if (required == null) {
      return null;
    }
    Principal p;
    if (!access.enabled()) {
      p = Principal.unauthenticated();
    } else {
      String token = token(ctx, route);
      String certificate = token == null ? ClientCertificates.subject(ctx.req()) : null;
      if (certificate != null) {
        // A device that proved its identity with a client certificate (mutual TLS) may ingest as
        // itself without a token; which devices it may name is the identity policy's question.
        p = new Principal(certificate, EnumSet.of(Role.DEVICE), "certificate");
      } else if (token == null) {
        ctx.header("WWW-Authenticate", "Bearer realm=\"" + REALM + "\"");
        audit.refused(ctx, route, null, 401, "no bearer token");
        throw Problem.of(
                "unauthorized",
                "Authentication required",
                401,
                "this endpoint needs a bearer token (Authorization: Bearer …) with role "
                    + required.id(),
                ctx.path())
            .raise();
      } else {
        p = authenticate(ctx, route, token);
      }
    }
    return checked(ctx, route, required, p);
  }

  /** The token's caller, or a 401 problem raised (and audited). */
  private Principal authenticate(Context ctx, ApiRoute route, String token) {
    try {
      return access.authenticate(token);
    } catch (AuthenticationException e) {
      ctx.header(
          "WWW-Authenticate",
          "Bearer realm=\""
              + REALM
              + "\", error=\""
              + e.error()
              + "\", error_description=\""
              + quoted(e.getMessage())
              + "\"");
      audit.refused(ctx, route, null, 401, "invalid token: " + e.getMessage());
      throw Problem.of(
              "invalid-token",
              "Invalid token",
              401,
              "the bearer token: " + e.getMessage(),
              ctx.path())
          .raise();
    }
  }

  /** {@code p}, let through when it has the route's role, else a 403 problem raised. */
  private Principal checked(Context ctx, ApiRoute route, Role required, Principal p) {
    if (!p.may(required)) {
      String scope = access.scopeFor(required);
      ctx.header(
          "WWW-Authenticate",
          "Bearer realm=\""
              + REALM
              + "\", error=\"insufficient_scope\""
              + (scope == null ? "" : ", scope=\"" + scope + "\""));
      audit.refused(ctx, route, p, 403, "needs role " + required.id());
      throw Problem.of(
              "insufficient-scope",
              "Insufficient scope",
              403,
              "this endpoint needs role "
                  + required.id()
                  + "; the token has "
                  + (p.roles().isEmpty() ? "none" : p.rolesText()),
              ctx.path())
          .with("requiredRole", required.id())
          .raise();
    }
    ctx.attribute(PRINCIPAL, p);
    return p;
  }

  private static String token(Context ctx, ApiRoute route) {
    String h = ctx.header("Authorization");
    if (h != null
        && h.length() > 7
        && h.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
      String t = h.substring(7).strip();
      return t.isEmpty() ? null : t;
    }
    if (route.socket() != null) {
      String q = ctx.queryParam(QUERY_TOKEN);
      return q == null || q.isBlank() ? null : q;
    }
    return null;
  }

  /** A header parameter value: no quotes or backslashes, no line breaks, short. */
  private static String quoted(String s) {
    String clean = s == null ? "" : s.replaceAll("[\"\\\\\\r\\n]", "'");
    return clean.length() > 200 ? clean.substring(0, 200) : clean;
  }
}
