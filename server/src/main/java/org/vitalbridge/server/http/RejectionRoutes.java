package org.vitalbridge.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import org.vitalbridge.store.Quarantine;
import org.vitalbridge.store.QuarantineEntry;
import org.vitalbridge.store.ReprocessReport;
import org.vitalbridge.store.Store;
import org.vitalbridge.store.StoredRaw;

/**
 * {@code /api/v1/rejections}: the quarantine. List (filter by reason, open or all, cursor paged),
 * one entry with its raw bytes, reprocess one or many with the mapping as it is on disk now, and
 * discard one with the operator's reason.
 */
final class RejectionRoutes {
  private final Store store;
  private final Operations ops;

  RejectionRoutes(Store store, Operations ops) {
    this.store = store;
    this.ops = ops;
  }

  void list(Context ctx) {
    String reason = ctx.queryParam("reason");
    String state = ctx.queryParam("state");
    if (state != null && !state.equals("open") && !state.equals("all")) {
      throw Params.bad(ctx, "state", "must be open or all");
    }
    int limit = Params.limit(ctx, Params.MAX_LIMIT);
    long after = Params.count(ctx, "after", 0);
    List<QuarantineEntry> page =
        store.quarantine().find(reason, !"all".equals(state), after, limit + 1);
    ArrayNode items = Json.MAPPER.createArrayNode();
    page.stream().limit(limit).forEach(e -> items.add(entry(e)));
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.set("rejections", items);
    body.put("openCount", store.quarantine().openCount());
    if (page.size() > limit) {
      body.put("next", page.get(limit - 1).seq());
    } else {
      body.putNull("next");
    }
    Replies.json(ctx, body);
  }

  void one(Context ctx) {
    QuarantineEntry e = find(ctx);
    ObjectNode body = entry(e);
    store.quarantine().raw(e.rawSeq()).ifPresent(r -> body.set("raw", RawJson.of(r, true)));
    Replies.json(ctx, body);
  }

  /** The raw bytes exactly as received, with the content type they were received under. */
  void raw(Context ctx) {
    QuarantineEntry e = find(ctx);
    StoredRaw r = store.quarantine().raw(e.rawSeq()).orElseThrow(() -> purged(ctx, e));
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Content-Disposition", "attachment; filename=\"" + e.rawId() + ".bin\"");
    ctx.contentType("application/octet-stream");
    ctx.result(r.message().payload());
  }

  void reprocessOne(Context ctx) {
    QuarantineEntry e = open(ctx, find(ctx));
    ReprocessReport report =
        store.reprocessor().messages(Replies.mapping(ctx, ops), List.of(e.rawSeq()));
    ObjectNode body = report(report);
    body.set("rejection", entry(store.quarantine().entry(e.seq()).orElseThrow()));
    body.set("nowOpen", openOf(e.rawSeq()));
    Replies.json(ctx, body);
  }

  /**
   * Reprocesses {@code {"seqs":[…]}} (chosen entries), or every open entry (of {@code "reason"}
   * when given). Entries no longer open are skipped.
   */
  void reprocessMany(Context ctx) {
    JsonNode body = Replies.body(ctx);
    String reason = Replies.text(ctx, body, "reason");
    JsonNode seqs = body.get("seqs");
    var mapping = Replies.mapping(ctx, ops);
    ReprocessReport report;
    if (seqs != null) {
      if (!seqs.isArray() || seqs.isEmpty() || seqs.size() > Params.MAX_LIMIT) {
        throw Replies.badMember(ctx, "seqs", "must be an array of 1.." + Params.MAX_LIMIT + " ids");
      }
      List<Long> raws = new ArrayList<>();
      for (JsonNode n : seqs) {
        if (!n.canConvertToLong()) {
          throw Replies.badMember(ctx, "seqs", "must hold rejection ids (numbers)");
        }
        store
            .quarantine()
            .entry(n.asLong())
            .filter(QuarantineEntry::isOpen)
            .ifPresent(e -> raws.add(e.rawSeq()));
      }
      report = store.reprocessor().messages(mapping, raws);
    } else if (reason != null) {
      report = allOfReason(mapping, reason);
    } else {
      report = store.reprocessor().rejected(mapping);
    }
    Replies.json(ctx, report(report));
  }

  void discard(Context ctx) {
    QuarantineEntry e = open(ctx, find(ctx));
    String reason = Replies.text(ctx, Replies.body(ctx), "reason");
    if (reason == null) {
      throw Replies.badMember(ctx, "reason", "is required: say why the message is given up");
    }
    if (!store.quarantine().discard(e.seq(), reason)) {
      // Resolved meanwhile (a reprocess or another discard won the race).
      throw gone(ctx, store.quarantine().entry(e.seq()).orElse(e));
    }
    Replies.json(ctx, entry(store.quarantine().entry(e.seq()).orElseThrow()));
  }

  private ReprocessReport allOfReason(
      org.vitalbridge.core.pipeline.MessageProcessor mapping, String reason) {
    long messages = 0;
    long ok = 0;
    long still = 0;
    long after = 0;
    while (true) {
      List<QuarantineEntry> page = store.quarantine().find(reason, true, after, Params.MAX_LIMIT);
      if (page.isEmpty()) {
        return new ReprocessReport(messages, ok, still);
      }
      ReprocessReport r =
          store
              .reprocessor()
              .messages(mapping, page.stream().map(QuarantineEntry::rawSeq).toList());
      messages += r.messages();
      ok += r.nowAccepted();
      still += r.stillRejected();
      after = page.get(page.size() - 1).seq();
    }
  }

  private ArrayNode openOf(long rawSeq) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    long after = 0;
    while (true) {
      List<QuarantineEntry> page = store.quarantine().find(null, true, after, Params.MAX_LIMIT);
      page.stream().filter(q -> q.rawSeq() == rawSeq).forEach(q -> out.add(entry(q)));
      if (page.size() < Params.MAX_LIMIT) {
        return out;
      }
      after = page.get(page.size() - 1).seq();
    }
  }

  private QuarantineEntry find(Context ctx) {
    long seq = Params.seq(ctx, "seq");
    return store
        .quarantine()
        .entry(seq)
        .orElseThrow(
            () ->
                Problem.of(
                        "unknown-rejection",
                        "Unknown rejection",
                        404,
                        "no rejection " + seq,
                        ctx.path())
                    .raise());
  }

  /** The entry when open, else a 409 saying how it was resolved. */
  private static QuarantineEntry open(Context ctx, QuarantineEntry e) {
    if (!e.isOpen()) {
      throw gone(ctx, e);
    }
    return e;
  }

  private static Problem.Raised gone(Context ctx, QuarantineEntry e) {
    return Problem.of(
            "rejection-resolved",
            "Rejection already resolved",
            409,
            "rejection "
                + e.seq()
                + " was "
                + (e.resolution() == null ? "resolved" : e.resolution())
                + " at "
                + e.resolvedAt(),
            ctx.path())
        .with("resolution", e.resolution() == null ? Quarantine.REPROCESSED : e.resolution())
        .raise();
  }

  private static Problem.Raised purged(Context ctx, QuarantineEntry e) {
    return Problem.of(
            "raw-message-purged",
            "Raw message purged",
            410,
            "the raw message of rejection " + e.seq() + " is no longer kept",
            ctx.path())
        .raise();
  }

  static ObjectNode entry(QuarantineEntry e) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("id", e.seq());
    o.put("rawSeq", e.rawSeq());
    o.put("rawId", e.rawId());
    o.put("stage", e.stage());
    o.put("reason", e.reason());
    Replies.putText(o, "field", e.field());
    o.put("detail", e.detail());
    Replies.putInstant(o, "createdAt", e.createdAt());
    o.put("state", e.isOpen() ? "open" : e.resolution());
    Replies.putInstant(o, "resolvedAt", e.resolvedAt());
    Replies.putText(o, "resolutionNote", e.resolutionNote());
    return o;
  }

  private static ObjectNode report(ReprocessReport r) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("messages", r.messages());
    o.put("nowAccepted", r.nowAccepted());
    o.put("stillRejected", r.stillRejected());
    return o;
  }
}
