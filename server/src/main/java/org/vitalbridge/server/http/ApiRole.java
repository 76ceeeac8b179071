package org.vitalbridge.server.http;

import io.javalin.security.RouteRole;
import org.vitalbridge.security.auth.Role;

/**
 * Who a route is for: every route is registered with its role in {@link ApiRoutes} and {@link
 * AccessControl} enforces it (the caller's {@link Role} must satisfy it; {@code ANYONE} is open).
 * docs/http-api.md lists the role per endpoint.
 */
public enum ApiRole implements RouteRole {
  /** Probes and the API description: no data, open to load balancers. */
  ANYONE,
  /** Reads measurements, devices, flow and the quarantine (a nurse station, a dashboard). */
  VIEWER,
  /** Fixes mappings and data: reprocess, discard, associations, templates. */
  INTEGRATOR,
  /** Operates destinations: pause, resume, replay dead letters. */
  ADMIN,
  /** Sends data: the ingest endpoints. */
  DEVICE;

  /** The role a caller needs, or null for {@link #ANYONE}. */
  Role required() {
    switch (this) {
      case VIEWER:
        return Role.VIEWER;
      case INTEGRATOR:
        return Role.INTEGRATOR;
      case ADMIN:
        return Role.ADMIN;
      case DEVICE:
        return Role.DEVICE;
      default:
        return null;
    }
  }
}
