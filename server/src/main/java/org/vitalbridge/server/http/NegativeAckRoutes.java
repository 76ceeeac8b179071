package org.vitalbridge.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.List;
import java.util.Locale;
import org.vitalbridge.store.NegativeAcks;
import org.vitalbridge.store.Store;

/**
 * {@code /api/v1/hl7/negative-acks}: every AE/AR/CE/CR VitalBridge sent (inbound) or received from
 * an EHR (outbound), with sender, control id and each ERR segment — searchable, so nobody greps
 * logs for {@code |ERR|}.
 */
final class NegativeAckRoutes {
  private static final List<String> CODES = List.of("AE", "AR", "CE", "CR");

  private final Store store;

  NegativeAckRoutes(Store store) {
    this.store = store;
  }

  void list(Context ctx) {
    String direction = ctx.queryParam("direction");
    if (direction != null && !direction.equals("in") && !direction.equals("out")) {
      throw Params.bad(ctx, "direction", "must be in or out");
    }
    String code = ctx.queryParam("code");
    if (code != null) {
      code = code.toUpperCase(Locale.ROOT);
      if (!CODES.contains(code)) {
        throw Params.bad(ctx, "code", "must be one of " + String.join(", ", CODES));
      }
    }
    List<NegativeAcks.Entry> found =
        store
            .negativeAcks()
            .search(
                new NegativeAcks.Search(
                    direction,
                    ctx.queryParam("peer"),
                    ctx.queryParam("controlId"),
                    code,
                    Params.instant(ctx, "since", null),
                    Params.count(ctx, "before", Long.MAX_VALUE),
                    Params.limit(ctx, Params.MAX_LIMIT)));
    ArrayNode items = Json.MAPPER.createArrayNode();
    for (NegativeAcks.Entry e : found) {
      ObjectNode o = items.addObject();
      o.put("seq", e.seq());
      o.put("at", e.at().toString());
      o.put("direction", e.direction());
      Replies.putText(o, "peer", e.peer());
      Replies.putText(o, "controlId", e.controlId());
      o.put("code", e.code());
      ArrayNode errors = o.putArray("errors");
      for (NegativeAcks.Error err : e.errors()) {
        ObjectNode x = errors.addObject();
        Replies.putText(x, "location", err.location());
        Replies.putText(x, "code", err.code());
        Replies.putText(x, "text", err.text());
      }
      Replies.putText(o, "rawId", e.rawId());
    }
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.set("negativeAcks", items);
    if (!found.isEmpty()) {
      body.put("next", found.get(found.size() - 1).seq());
    }
    Replies.json(ctx, body);
  }
}
