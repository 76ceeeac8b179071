package org.vitalbridge.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.vitalbridge.core.terminology.MetricDefinition;
import org.vitalbridge.core.terminology.Terminology;
import org.vitalbridge.core.terminology.TerminologyLoader;
import org.vitalbridge.store.MeasurementQuery;
import org.vitalbridge.store.Store;
import org.vitalbridge.store.StoredMeasurement;
import org.vitalbridge.store.TrendBucket;

/**
 * {@code GET /api/v1/measurements} (by patient, device, metric and time, offset paged) and {@code
 * GET /api/v1/measurements/trend} (avg/min/max/count per bucket of one metric). Times default to
 * the last hour.
 */
final class MeasurementRoutes {
  private static final int MAX_OFFSET = 100_000;

  private final Store store;
  private final Clock clock;
  private final Terminology terminology = TerminologyLoader.shipped();

  MeasurementRoutes(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  void list(Context ctx) {
    int limit = Params.limit(ctx, Params.MAX_LIMIT);
    long offset = Params.count(ctx, "offset", 0);
    if (offset > MAX_OFFSET - Params.MAX_LIMIT - 1) {
      throw Params.bad(ctx, "offset", "must be at most " + (MAX_OFFSET - Params.MAX_LIMIT - 1));
    }
    MeasurementQuery q = query(ctx, (int) offset + limit + 1);
    List<StoredMeasurement> found = store.measurements().find(q);
    ArrayNode items = Json.MAPPER.createArrayNode();
    found.stream()
        .skip(offset)
        .limit(limit)
        .forEach(m -> items.add(MeasurementJson.of(m.toMeasurement())));
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.set("measurements", items);
    if (found.size() > offset + limit) {
      body.put("nextOffset", offset + limit);
    } else {
      body.putNull("nextOffset");
    }
    Replies.json(ctx, body);
  }

  void trend(Context ctx) {
    if (ctx.queryParam("metric") == null) {
      throw Params.bad(ctx, "metric", "is required for a trend");
    }
    Duration bucket = Params.duration(ctx, "bucket", Duration.ofMinutes(5));
    MeasurementQuery q = query(ctx, Params.limit(ctx, Params.MAX_LIMIT));
    ArrayNode items = Json.MAPPER.createArrayNode();
    for (TrendBucket b : store.measurements().trend(q, bucket)) {
      ObjectNode o = items.addObject();
      o.put("start", b.start().toString());
      o.put("count", b.count());
      o.put("avg", b.avg());
      o.put("min", b.min());
      o.put("max", b.max());
    }
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("mdc", q.mdc());
    body.put("bucket", bucket.toString());
    body.set("buckets", items);
    Replies.json(ctx, body);
  }

  private MeasurementQuery query(Context ctx, int limit) {
    Instant to = Params.instant(ctx, "to", clock.instant().plusSeconds(1));
    Instant from = Params.instant(ctx, "from", to.minus(Duration.ofHours(1)));
    Params.range(ctx, from, to);
    return new MeasurementQuery(
        ctx.queryParam("patient"), ctx.queryParam("device"), mdc(ctx), from, to, limit);
  }

  /** {@code ?metric=} as an MDC code, reference id or LOINC code (shipped terminology). */
  private Integer mdc(Context ctx) {
    String metric = ctx.queryParam("metric");
    if (metric == null) {
      return null;
    }
    String m = metric.strip();
    if (m.chars().allMatch(Character::isDigit) && !m.isEmpty() && m.length() < 10) {
      return Integer.parseInt(m);
    }
    for (MetricDefinition d : terminology.definitions()) {
      if (m.equalsIgnoreCase(d.code().refId()) || m.equals(d.code().loinc())) {
        return d.code().mdc();
      }
    }
    throw Params.bad(ctx, "metric", "names no known metric (MDC code, reference id or LOINC)");
  }
}
