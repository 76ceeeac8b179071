package org.vitalbridge.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;
import org.vitalbridge.core.pipeline.Outcome;
import org.vitalbridge.server.http.Ingest.Result;
import org.vitalbridge.store.Ingestor;
import org.vitalbridge.store.JournalOverloadedException;

/**
 * The answer to an ingest, from its items' results. Everything was committed before this runs (or
 * failed), so a 202 names stored measurements and a 400 names stored and quarantined items.
 *
 * <ul>
 *   <li>{@code 202}: every item gave at least one measurement, or held no readings at all (readings
 *       rejected inside an item are listed with it, and quarantined).
 *   <li>{@code 404 unknown-template}: the path names no loaded template; the items are kept,
 *       quarantined as {@code no-template}, and can be reprocessed once the template is deployed.
 *   <li>{@code 400 malformed-payload} (single payload) / {@code 422 rejected-readings} (single
 *       payload read but every reading rejected) / {@code 400 rejected-items} (batch: at least one
 *       item gave no measurement; the others were stored).
 *   <li>{@code 503 not-stored} / {@code 429 overloaded}: some item is not known to be committed;
 *       items that were are listed (retry with the same Idempotency-Key to store nothing twice).
 * </ul>
 */
final class Answers {
  /** An HTTP answer: status, content type, body and an optional {@code Retry-After} (seconds). */
  record Answer(int status, String contentType, ObjectNode body, Integer retryAfter) {
    byte[] bytes() {
      return Json.bytes(body);
    }
  }

  static final String JSON = "application/json";

  private Answers() {}

  static Answer of(List<Result> results, boolean batch, String instance) {
    int overloaded = 0;
    int unavailable = 0;
    for (Result r : results) {
      if (r.failure() instanceof JournalOverloadedException) {
        overloaded++;
      } else if (r.failure() != null) {
        unavailable++;
      }
    }
    if (unavailable > 0) {
      return notStored(results, instance, 503, unavailable);
    }
    if (overloaded > 0) {
      return notStored(results, instance, 429, overloaded);
    }
    if (results.stream()
        .allMatch(r -> r.receipt().outcomes().isEmpty() || r.receipt().anyStored())) {
      return accepted(results);
    }
    if (results.stream().allMatch(r -> onlyNoTemplate(r.receipt()))) {
      Problem p =
          Problem.of(
              "unknown-template",
              "Unknown template",
              404,
              firstDetail(results)
                  + "; the payload was kept and quarantined (reason no-template) and is"
                  + " reprocessed once that template is deployed",
              instance);
      return problem(p.with("rejections", rejections(results)));
    }
    if (!batch && notAuthorized(results.get(0).receipt())) {
      Problem p =
          Problem.of(
              "forbidden-device",
              "Not this device",
              403,
              firstDetail(results)
                  + "; a device may only send as itself (the payload was kept and quarantined)",
              instance);
      return problem(
          p.with("rawId", results.get(0).rawId()).with("rejections", rejections(results)));
    }
    if (!batch) {
      Ingestor.Receipt receipt = results.get(0).receipt();
      Problem p =
          receipt.malformed()
              ? Problem.of(
                  "malformed-payload",
                  "Malformed payload",
                  400,
                  "the payload could not be read: "
                      + firstDetail(results)
                      + "; it was kept and quarantined",
                  instance)
              : Problem.of(
                  "rejected-readings",
                  "Every reading was rejected",
                  422,
                  "no reading of the payload could be stored: "
                      + firstDetail(results)
                      + "; it was kept and quarantined",
                  instance);
      return problem(
          p.with("rawId", results.get(0).rawId()).with("rejections", rejections(results)));
    }
    long bad = results.stream().filter(r -> !r.receipt().anyStored()).count();
    Problem p =
        Problem.of(
            "rejected-items",
            "Some items were rejected",
            400,
            bad
                + " of "
                + results.size()
                + " items were rejected and quarantined; the other "
                + (results.size() - bad)
                + " were stored (see accepted)",
            instance);
    return problem(
        p.with("accepted", acceptedItems(results)).with("rejections", rejections(results)));
  }

  private static boolean notAuthorized(Ingestor.Receipt receipt) {
    return receipt.rejections().stream()
        .anyMatch(
            r ->
                r.rejection().reason()
                    == org.vitalbridge.core.model.RejectionReason.NOT_AUTHORIZED);
  }

  private static Answer accepted(List<Result> results) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("status", "accepted");
    body.set("items", acceptedItems(results));
    return new Answer(202, JSON, body, null);
  }

  private static Answer notStored(List<Result> results, String instance, int status, int count) {
    boolean overloaded = status == 429;
    String why =
        overloaded
            ? "the journal is full (back-pressure)"
            : results.stream().anyMatch(r -> r.failure() instanceof TimeoutException)
                ? "the journal did not commit in time"
                : "the store could not commit";
    ArrayNode notStored = Json.MAPPER.createArrayNode();
    results.stream().filter(r -> r.failure() != null).forEach(r -> notStored.add(r.item().index()));
    Problem p =
        Problem.of(
            overloaded ? "overloaded" : "not-stored",
            overloaded ? "Too many requests" : "Not stored",
            status,
            why
                + ": "
                + count
                + " of "
                + results.size()
                + " items are not known to be stored; retry later"
                + (results.size() > 1
                    ? " (with the same Idempotency-Key to store nothing twice)"
                    : ""),
            instance);
    p.with("notStored", notStored);
    if (results.size() > count) {
      p.with("accepted", acceptedItems(results));
    }
    return new Answer(status, Problem.CONTENT_TYPE, p.toJson(), overloaded ? 1 : 5);
  }

  private static Answer problem(Problem p) {
    return new Answer(p.status(), Problem.CONTENT_TYPE, p.toJson(), null);
  }

  /** Items that gave measurements (those are stored), with any readings rejected among them. */
  private static ArrayNode acceptedItems(List<Result> results) {
    ArrayNode items = Json.MAPPER.createArrayNode();
    for (Result r : results) {
      if (r.receipt() == null || !(r.receipt().anyStored() || r.receipt().outcomes().isEmpty())) {
        continue;
      }
      ObjectNode item = items.addObject();
      item.put("index", r.item().index());
      if (r.item().line() > 0) {
        item.put("line", r.item().line());
      }
      item.put("rawId", r.rawId());
      item.set("measurementIds", Json.strings(r.receipt().measurementIds()));
      if (!r.receipt().rejections().isEmpty()) {
        ArrayNode rejected = item.putArray("rejections");
        for (Outcome.Rejected rej : r.receipt().rejections()) {
          rejected.add(rejection(rej));
        }
      }
    }
    return items;
  }

  /** Every rejection of every item that gave no measurement, one entry each. */
  private static ArrayNode rejections(List<Result> results) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (Result r : results) {
      if (r.receipt() == null || r.receipt().anyStored()) {
        continue;
      }
      for (Outcome.Rejected rej : r.receipt().rejections()) {
        ObjectNode o = out.addObject();
        o.put("index", r.item().index());
        if (r.item().line() > 0) {
          o.put("line", r.item().line());
        }
        o.put("rawId", r.rawId());
        o.setAll(rejection(rej));
      }
    }
    return out;
  }

  static ObjectNode rejection(Outcome.Rejected rej) {
    Rejection why = rej.rejection();
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("stage", rej.stage());
    o.put("reason", why.reason().code());
    if (why.field() == null) {
      o.putNull("field");
    } else {
      o.put("field", why.field());
    }
    o.put("detail", why.detail());
    return o;
  }

  private static boolean onlyNoTemplate(Ingestor.Receipt receipt) {
    return !receipt.anyStored()
        && !receipt.rejections().isEmpty()
        && receipt.rejections().stream()
            .allMatch(r -> r.rejection().reason() == RejectionReason.NO_TEMPLATE);
  }

  private static String firstDetail(List<Result> results) {
    for (Result r : results) {
      if (r.receipt() != null && !r.receipt().rejections().isEmpty()) {
        return r.receipt().rejections().get(0).rejection().detail();
      }
    }
    return "rejected";
  }
}
