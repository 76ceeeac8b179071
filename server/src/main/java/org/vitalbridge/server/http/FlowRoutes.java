package org.vitalbridge.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.vitalbridge.store.Store;

/**
 * {@code GET /api/v1/flow}: what moves through the engine — per adapter its state, measurements per
 * minute over the last five minutes and open rejections; per destination its outbox status; the
 * journal backlog. One call feeds the console's Flow page.
 */
final class FlowRoutes {
  static final Duration WINDOW = Duration.ofMinutes(5);

  private final Store store;
  private final Clock clock;
  private final Map<String, BooleanSupplier> adapters;
  private final DestinationRoutes destinations;

  FlowRoutes(
      Store store,
      Clock clock,
      Map<String, BooleanSupplier> adapters,
      DestinationRoutes destinations) {
    this.store = store;
    this.clock = clock;
    this.adapters = adapters;
    this.destinations = destinations;
  }

  void flow(Context ctx) {
    Instant now = clock.instant();
    Map<String, Long> received = store.measurements().receivedPerAdapter(now.minus(WINDOW));
    Map<String, Long> rejected = store.quarantine().openPerAdapter();
    TreeSet<String> names = new TreeSet<>(adapters.keySet());
    names.addAll(received.keySet());
    names.addAll(rejected.keySet());
    names.remove("");
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("at", now.toString());
    body.put("window", WINDOW.toString());
    ArrayNode a = body.putArray("adapters");
    for (String name : names) {
      ObjectNode o = a.addObject();
      o.put("name", name);
      BooleanSupplier up = adapters.get(name);
      o.put("state", up == null ? "n/a" : up.getAsBoolean() ? "UP" : "DOWN");
      o.put("perMinute", perMinute(received.getOrDefault(name, 0L)));
      o.put("openRejections", rejected.getOrDefault(name, 0L));
    }
    ArrayNode d = body.putArray("destinations");
    destinations.names().forEach(n -> d.add(DestinationRoutes.json(store.outbox().status(n))));
    body.put("journalBacklog", store.journal().backlog());
    body.put("openRejections", store.quarantine().openCount());
    Replies.json(ctx, body);
  }

  /** Measurements per minute over {@link #WINDOW}, one decimal. */
  static double perMinute(long count) {
    return Math.round(count * 10.0 / WINDOW.toMinutes()) / 10.0;
  }
}
