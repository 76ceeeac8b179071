package org.vitalbridge.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import org.vitalbridge.store.Association;
import org.vitalbridge.store.Store;

/**
 * {@code /api/v1/associations}: which patient a bed (or a device) belongs to over time. Reading
 * needs a bed or a device; creating and ending one re-attributes the measurements it covers (as an
 * ADT message would) and says how many.
 */
final class AssociationRoutes {
  static final String SOURCE = "api";

  private final Store store;
  private final Clock clock;

  AssociationRoutes(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  void list(Context ctx) {
    String bed = ctx.queryParam("bed");
    String device = ctx.queryParam("device");
    if ((bed == null) == (device == null)) {
      throw Params.bad(ctx, "bed", "give exactly one of bed or device");
    }
    ArrayNode items = Json.MAPPER.createArrayNode();
    Instant now = clock.instant();
    for (Association a : store.associations().history(device, device == null ? bed : null)) {
      ObjectNode o = json(a);
      o.put("current", a.covers(now));
      items.add(o);
    }
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.set("associations", items);
    Replies.json(ctx, body);
  }

  void create(Context ctx) {
    JsonNode b = Replies.body(ctx);
    String bed = Replies.text(ctx, b, "bed");
    String device = Replies.text(ctx, b, "device");
    String patient = Replies.text(ctx, b, "patient");
    if ((bed == null) == (device == null)) {
      throw Replies.badMember(ctx, "bed", "give exactly one of bed or device");
    }
    if (patient == null) {
      throw Replies.badMember(ctx, "patient", "is required");
    }
    Instant from = Replies.instant(ctx, b, "validFrom", clock.instant());
    int n =
        store
            .associations()
            .associate(
                device,
                device == null ? bed : null,
                patient,
                Replies.text(ctx, b, "encounter"),
                from,
                SOURCE,
                Replies.text(ctx, b, "cause"));
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("reattributed", n);
    Replies.json(ctx, 201, body);
  }

  void end(Context ctx) {
    JsonNode b = Replies.body(ctx);
    String bed = Replies.text(ctx, b, "bed");
    String device = Replies.text(ctx, b, "device");
    String patient = Replies.text(ctx, b, "patient");
    if (bed == null && device == null && patient == null) {
      throw Replies.badMember(ctx, "bed", "give a bed, a device or a patient");
    }
    Instant to = Replies.instant(ctx, b, "validTo", clock.instant());
    int n =
        store
            .associations()
            .end(device, device == null ? bed : null, patient, to, Replies.text(ctx, b, "cause"));
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("reattributed", n);
    Replies.json(ctx, body);
  }

  private static ObjectNode json(Association a) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("seq", a.seq());
    Replies.putText(o, "device", a.device());
    Replies.putText(o, "bed", a.location());
    o.put("patient", a.subject());
    Replies.putText(o, "encounter", a.encounter());
    Replies.putInstant(o, "validFrom", a.validFrom());
    Replies.putInstant(o, "validTo", a.validTo());
    o.put("source", a.source());
    Replies.putText(o, "cause", a.cause());
    Replies.putInstant(o, "cancelledAt", a.cancelledAt());
    return o;
  }
}
