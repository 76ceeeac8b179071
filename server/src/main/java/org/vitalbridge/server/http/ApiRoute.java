package org.vitalbridge.server.http;

import io.javalin.http.Handler;
import io.javalin.websocket.WsConfig;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One entry of the route table: method ({@code GET}, {@code POST} or {@code WS} for a WebSocket),
 * Javalin path (parameters as {@code {name}}), the intended role and the handler. The OpenAPI
 * document must describe each of them ({@code OpenApiDocumentTest}).
 *
 * @param phi the answer carries PHI (patient ids, measurements, raw payloads): every call is
 *     audited
 */
record ApiRoute(
    String method,
    String path,
    ApiRole role,
    Handler handler,
    Consumer<WsConfig> socket,
    boolean phi) {
  ApiRoute {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(role, "role");
    if (method.equals("WS") != (socket != null) || (handler == null) == (socket == null)) {
      throw new IllegalArgumentException(method + " " + path + ": a WS route has a socket only");
    }
  }

  static ApiRoute get(String path, ApiRole role, Handler handler) {
    return new ApiRoute("GET", path, role, handler, null, false);
  }

  static ApiRoute post(String path, ApiRole role, Handler handler) {
    return new ApiRoute("POST", path, role, handler, null, false);
  }

  static ApiRoute ws(String path, ApiRole role, Consumer<WsConfig> socket) {
    return new ApiRoute("WS", path, role, null, socket, false);
  }

  /** This route, marked as reading PHI. */
  ApiRoute readsPhi() {
    return new ApiRoute(method, path, role, handler, socket, true);
  }

  /**
   * Whether a call that was let through is audited: PHI reads and every integrator or admin action
   * (a {@code POST} of those roles). Refused calls are audited on every route but the open ones.
   */
  boolean audited() {
    return phi || (method.equals("POST") && (role == ApiRole.INTEGRATOR || role == ApiRole.ADMIN));
  }
}
