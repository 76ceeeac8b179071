package org.vitalbridge.server.http;

import io.javalin.security.RouteRole;

/**
 * Who a route is meant for. Not enforced yet (authentication and OAuth2 scopes are issue #10):
 * every route is registered with its intended role in {@link ApiRoutes}, so an access manager can
 * be put in front of all of them in one place. docs/http-api.md lists the role per endpoint.
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
  DEVICE
}
