package org.vitalbridge.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.List;
import java.util.TreeSet;
import org.vitalbridge.store.DestinationStatus;
import org.vitalbridge.store.Outbox;
import org.vitalbridge.store.Store;

/**
 * {@code /api/v1/destinations}: each destination's outbox (backlog, failures, dead letters, last
 * error, last delivery, pause), pause and resume (kept in the store, so a restart does not undo
 * them), dead letters listed and replayed.
 */
final class DestinationRoutes {
  private final Store store;
  private final Operations ops;

  DestinationRoutes(Store store, Operations ops) {
    this.store = store;
    this.ops = ops;
  }

  void list(Context ctx) {
    ArrayNode items = Json.MAPPER.createArrayNode();
    names().forEach(d -> items.add(json(store.outbox().status(d))));
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.set("destinations", items);
    Replies.json(ctx, body);
  }

  void one(Context ctx) {
    Replies.json(ctx, json(store.outbox().status(known(ctx))));
  }

  /** Pauses; pausing a paused destination changes nothing (the first reason stays). */
  void pause(Context ctx) {
    String name = known(ctx);
    String reason = Replies.text(ctx, Replies.body(ctx), "reason");
    store.outbox().pause(name, reason);
    Replies.json(ctx, json(store.outbox().status(name)));
  }

  void resume(Context ctx) {
    String name = known(ctx);
    store.outbox().resume(name);
    Replies.json(ctx, json(store.outbox().status(name)));
  }

  void deadLetters(Context ctx) {
    String name = known(ctx);
    ArrayNode items = Json.MAPPER.createArrayNode();
    for (Outbox.DeadLetter d :
        store.outbox().deadLetters(name, Params.limit(ctx, Params.MAX_LIMIT))) {
      ObjectNode o = items.addObject();
      o.put("seq", d.seq());
      o.put("measurementId", d.measurementId().toString());
      Replies.putText(o, "reason", d.reason());
    }
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.set("deadLetters", items);
    Replies.json(ctx, body);
  }

  void replay(Context ctx) {
    String name = known(ctx);
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("requeued", store.outbox().replayDeadLetters(name));
    body.set("destination", json(store.outbox().status(name)));
    Replies.json(ctx, body);
  }

  /** Configured destinations and any the outbox holds rows for. */
  List<String> names() {
    TreeSet<String> names = new TreeSet<>(ops.destinations());
    names.addAll(store.outbox().destinations());
    return List.copyOf(names);
  }

  private String known(Context ctx) {
    String name = ctx.pathParam("name");
    if (!names().contains(name)) {
      throw Problem.of(
              "unknown-destination",
              "Unknown destination",
              404,
              "no destination '" + name + "' is configured",
              ctx.path())
          .raise();
    }
    return name;
  }

  static ObjectNode json(DestinationStatus s) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("name", s.destination());
    o.put("state", s.paused() ? "paused" : s.failing() > 0 ? "retrying" : "running");
    o.put("backlog", s.backlog());
    o.put("failing", s.failing());
    o.put("deadLetters", s.dead());
    o.put("delivered", s.delivered());
    o.put("withheld", s.withheld());
    Replies.putText(o, "lastError", s.lastError());
    Replies.putInstant(o, "lastDeliveredAt", s.lastDeliveredAt());
    Replies.putInstant(o, "pausedAt", s.pausedAt());
    Replies.putText(o, "pauseReason", s.pauseReason());
    return o;
  }
}
