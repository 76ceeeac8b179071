package org.vitalbridge.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.vitalbridge.store.RawMessageQuery;
import org.vitalbridge.store.Store;
import org.vitalbridge.store.StoredRaw;

/**
 * {@code /api/v1/raw-messages}: the journal, searched by device, time and processing state (the
 * list without payloads), and one message by id with its bytes.
 */
final class RawMessageRoutes {
  private static final Set<String> STATES = Set.of("pending", "processed", "rejected", "partial");

  private final Store store;
  private final Clock clock;

  RawMessageRoutes(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  void list(Context ctx) {
    String state = ctx.queryParam("state");
    if (state != null && !STATES.contains(state)) {
      throw Params.bad(ctx, "state", "must be one of " + String.join(", ", STATES));
    }
    Instant to = Params.instant(ctx, "to", clock.instant().plusSeconds(1));
    Instant from = Params.instant(ctx, "from", to.minus(Duration.ofDays(1)));
    Params.range(ctx, from, to);
    int limit = Params.limit(ctx, Params.MAX_LIMIT - 1);
    List<StoredRaw> page =
        store
            .rawMessages()
            .find(
                new RawMessageQuery(
                    ctx.queryParam("device"),
                    state,
                    from,
                    to,
                    Params.count(ctx, "after", 0),
                    limit + 1));
    ArrayNode items = Json.MAPPER.createArrayNode();
    page.stream().limit(limit).forEach(r -> items.add(RawJson.of(r, false)));
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.set("rawMessages", items);
    if (page.size() > limit) {
      body.put("next", page.get(limit - 1).seq());
    } else {
      body.putNull("next");
    }
    Replies.json(ctx, body);
  }

  void one(Context ctx) {
    String id = ctx.pathParam("id");
    StoredRaw r =
        store
            .rawMessages()
            .byId(id)
            .orElseThrow(
                () ->
                    Problem.of(
                            "unknown-raw-message",
                            "Unknown raw message",
                            404,
                            "no raw message '" + id + "' is kept",
                            ctx.path())
                        .raise());
    Replies.json(ctx, RawJson.of(r, true));
  }
}
