package org.vitalbridge.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.vitalbridge.store.Store;
import org.vitalbridge.store.StoreUsage;

/**
 * {@code /health} (store figures and each adapter), {@code /health/live}, {@code /health/ready}
 * (every adapter listening or connected) and {@code /metrics} (Prometheus).
 */
final class Probes {
  private final Store store;
  private final Map<String, BooleanSupplier> components;
  private final Metrics metrics;

  Probes(Store store, Map<String, BooleanSupplier> components, Metrics metrics) {
    this.store = store;
    this.components = components;
    this.metrics = metrics;
  }

  void health(Context ctx) {
    StoreUsage u = store.retention().usage();
    ObjectNode body = Json.MAPPER.createObjectNode();
    boolean up = true;
    ObjectNode adapters = Json.MAPPER.createObjectNode();
    for (Map.Entry<String, BooleanSupplier> e : components.entrySet()) {
      boolean running = e.getValue().getAsBoolean();
      adapters.put(e.getKey(), running ? "UP" : "DOWN");
      up &= running;
    }
    body.put("status", up ? "UP" : "DEGRADED");
    body.set("adapters", adapters);
    body.put("journalBacklog", store.journal().backlog());
    body.put("rawMessages", u.rawCount());
    body.put("measurements", u.measurementCount());
    body.put("openQuarantine", u.openQuarantine());
    body.put("pendingOutbox", u.pendingOutbox());
    body.put("storeBytes", u.fileBytes());
    body.put("overCap", u.overCap());
    Replies.json(ctx, up ? 200 : 503, body);
  }

  void live(Context ctx) {
    probe(ctx, true);
  }

  /** Every adapter listening or connected (the store is open while this API runs). */
  void ready(Context ctx) {
    probe(ctx, components.values().stream().allMatch(BooleanSupplier::getAsBoolean));
  }

  void metrics(Context ctx) {
    ctx.contentType(Metrics.CONTENT_TYPE).result(metrics.scrape());
  }

  /** A liveness or readiness probe: 200 {@code {"status":"UP"}} or 503 {@code DOWN}. */
  private static void probe(Context ctx, boolean up) {
    ctx.status(up ? 200 : 503);
    ctx.contentType("application/json");
    ctx.result(up ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
  }
}
