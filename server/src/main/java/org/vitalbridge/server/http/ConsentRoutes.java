package org.vitalbridge.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.vitalbridge.fhir.ConsentImport;
import org.vitalbridge.store.Consents;
import org.vitalbridge.store.Store;

/**
 * {@code /api/v1/consents}: per-patient consent, recorded as VitalBridge's simple JSON ({@code
 * {"patient": "…", "state": "permit", "start": "…", "end": "…"}}) or imported as FHIR R4 Consent
 * resources (one, or a Bundle). Destinations configured {@code requiresConsent} receive only what a
 * permit covers. Every decision is audited.
 */
final class ConsentRoutes {
  static final String SOURCE = "api";

  private final Store store;

  ConsentRoutes(Store store) {
    this.store = store;
  }

  void record(Context ctx) {
    byte[] bytes = ctx.bodyAsBytes();
    if (bytes.length > 1 << 20) {
      throw Problem.of("payload-too-large", "Payload too large", 413, "at most 1 MiB", ctx.path())
          .with("limit", 1 << 20)
          .raise();
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    List<Consents.Consent> consents;
    try {
      consents = ConsentImport.isFhir(text) ? ConsentImport.parse(text) : List.of(simple(ctx));
    } catch (IllegalArgumentException e) {
      throw Problem.of("bad-consent", "Bad consent", 400, e.getMessage(), ctx.path()).raise();
    }
    int released = 0;
    ArrayNode items = Json.MAPPER.createArrayNode();
    for (Consents.Consent c : consents) {
      released += store.consents().record(c);
      // The audit trail (in the database, not the log) names the patient: that is its purpose.
      store
          .audit()
          .record(
              actor(ctx),
              "consent." + c.state().code(),
              "Patient?identifier=" + c.patient(),
              "recorded",
              "source " + c.source());
      items.add(json(c));
    }
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.set("consents", items);
    body.put("released", released);
    Replies.json(ctx, 201, body);
  }

  void list(Context ctx) {
    String patient = ctx.pathParam("patient");
    ArrayNode items = Json.MAPPER.createArrayNode();
    for (Consents.Consent c : store.consents().of(patient)) {
      items.add(json(c));
    }
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("patient", patient);
    body.set("consents", items);
    Replies.json(ctx, body);
  }

  private static Consents.Consent simple(Context ctx) {
    JsonNode b = Replies.body(ctx);
    String patient = Replies.text(ctx, b, "patient");
    String state = Replies.text(ctx, b, "state");
    if (patient == null) {
      throw Replies.badMember(ctx, "patient", "is required");
    }
    if (state == null || !(state.equals("permit") || state.equals("deny"))) {
      throw Replies.badMember(ctx, "state", "must be permit or deny");
    }
    Instant start = Replies.instant(ctx, b, "start", null);
    Instant end = Replies.instant(ctx, b, "end", null);
    String source = Replies.text(ctx, b, "source");
    return new Consents.Consent(
        patient, source == null ? SOURCE : source, Consents.State.of(state), start, end, null);
  }

  private static String actor(Context ctx) {
    String cert = ClientCertificates.subject(ctx.req());
    return cert != null ? cert : "api " + ctx.ip();
  }

  private static ObjectNode json(Consents.Consent c) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("patient", c.patient());
    o.put("source", c.source());
    o.put("state", c.state().code());
    Replies.putInstant(o, "start", c.start());
    Replies.putInstant(o, "end", c.end());
    Replies.putInstant(o, "recordedAt", c.recordedAt());
    return o;
  }
}
