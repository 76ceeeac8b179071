package org.vitalbridge.server.http;

import static org.vitalbridge.server.http.ApiRole.ADMIN;
import static org.vitalbridge.server.http.ApiRole.ANYONE;
import static org.vitalbridge.server.http.ApiRole.DEVICE;
import static org.vitalbridge.server.http.ApiRole.INTEGRATOR;
import static org.vitalbridge.server.http.ApiRole.VIEWER;
import static org.vitalbridge.server.http.ApiRoute.get;
import static org.vitalbridge.server.http.ApiRoute.post;
import static org.vitalbridge.server.http.ApiRoute.ws;

import java.util.List;

/**
 * The route table: every endpoint of the API with the role it needs ({@link AccessControl} enforces
 * it) and whether it reads PHI (then every call is audited), in one place. The OpenAPI document
 * served at {@value OpenApi#PATH} must describe each API route; a test keeps the two in step.
 */
final class ApiRoutes {
  private ApiRoutes() {}

  /** The endpoints, grouped as docs/http-api.md lists them. */
  record Endpoints(
      Probes probes,
      IngestEndpoint ingest,
      SocketIngest socketIngest,
      LiveStream stream,
      DeviceRoutes devices,
      MeasurementRoutes measurements,
      RejectionRoutes rejections,
      RawMessageRoutes raw,
      DestinationRoutes destinations,
      AssociationRoutes associations,
      TemplateRoutes templates,
      FlowRoutes flow,
      NegativeAckRoutes negativeAcks,
      AuditRoutes audit,
      ConsentRoutes consents) {}

  static List<ApiRoute> table(Endpoints e) {
    String v1 = "/api/v1";
    return List.of(
        get("/health", ANYONE, e.probes()::health),
        get("/health/live", ANYONE, e.probes()::live),
        get("/health/ready", ANYONE, e.probes()::ready),
        get("/metrics", ANYONE, e.probes()::metrics),
        get(OpenApi.PATH, ANYONE, OpenApi::serve),
        post(v1 + "/ingest/{template}", DEVICE, e.ingest()::single),
        post(v1 + "/ingest/{template}/batch", DEVICE, e.ingest()::batch),
        ws(v1 + "/ingest/{template}/ws", DEVICE, e.socketIngest()::configure),
        ws(v1 + "/stream", VIEWER, e.stream()::configure).readsPhi(),
        get(v1 + "/devices", VIEWER, e.devices()::list),
        get(v1 + "/devices/{id}", VIEWER, e.devices()::one),
        get(v1 + "/measurements", VIEWER, e.measurements()::list).readsPhi(),
        get(v1 + "/measurements/trend", VIEWER, e.measurements()::trend).readsPhi(),
        get(v1 + "/rejections", VIEWER, e.rejections()::list),
        post(v1 + "/rejections/reprocess", INTEGRATOR, e.rejections()::reprocessMany),
        get(v1 + "/rejections/{seq}", VIEWER, e.rejections()::one).readsPhi(),
        get(v1 + "/rejections/{seq}/raw", VIEWER, e.rejections()::raw).readsPhi(),
        post(v1 + "/rejections/{seq}/reprocess", INTEGRATOR, e.rejections()::reprocessOne),
        post(v1 + "/rejections/{seq}/discard", INTEGRATOR, e.rejections()::discard),
        get(v1 + "/raw-messages", VIEWER, e.raw()::list),
        get(v1 + "/raw-messages/{id}", VIEWER, e.raw()::one).readsPhi(),
        get(v1 + "/destinations", VIEWER, e.destinations()::list),
        get(v1 + "/destinations/{name}", VIEWER, e.destinations()::one),
        post(v1 + "/destinations/{name}/pause", ADMIN, e.destinations()::pause),
        post(v1 + "/destinations/{name}/resume", ADMIN, e.destinations()::resume),
        get(v1 + "/destinations/{name}/dead-letters", VIEWER, e.destinations()::deadLetters),
        post(v1 + "/destinations/{name}/dead-letters/replay", ADMIN, e.destinations()::replay),
        get(v1 + "/associations", VIEWER, e.associations()::list).readsPhi(),
        post(v1 + "/associations", INTEGRATOR, e.associations()::create),
        post(v1 + "/associations/end", INTEGRATOR, e.associations()::end),
        get(v1 + "/templates", VIEWER, e.templates()::list),
        post(v1 + "/templates/validate", INTEGRATOR, e.templates()::validate),
        post(v1 + "/templates/{template}/dry-run", INTEGRATOR, e.templates()::dryRun),
        get(v1 + "/flow", VIEWER, e.flow()::flow),
        get(v1 + "/hl7/negative-acks", VIEWER, e.negativeAcks()::list),
        get(v1 + "/audit/verify", ADMIN, e.audit()::verify),
        post(v1 + "/consents", INTEGRATOR, e.consents()::record),
        get(v1 + "/consents/{patient}", VIEWER, e.consents()::list));
  }
}
