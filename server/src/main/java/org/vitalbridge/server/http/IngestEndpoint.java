package org.vitalbridge.server.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;
import org.vitalbridge.core.pipeline.MediaTypeParameters;
import org.vitalbridge.security.auth.Principal;
import org.vitalbridge.server.http.Answers.Answer;
import org.vitalbridge.server.http.BatchSplitter.Item;
import org.vitalbridge.server.http.BodyReader.BadEncoding;
import org.vitalbridge.server.http.BodyReader.Body;
import org.vitalbridge.server.http.BodyReader.Complete;
import org.vitalbridge.server.http.BodyReader.TooLarge;

/**
 * {@code POST /api/v1/ingest/{template}} (one JSON payload) and {@code POST
 * /api/v1/ingest/{template}/batch} (a JSON array or NDJSON): checks what can be checked before
 * reading (coding, media type), reads the body within its limit, replays an {@code
 * Idempotency-Key}'s first answer, then hands the items to {@link Ingest} and answers once they are
 * committed. Whatever is refused is kept (quarantined with its reason) before it is answered.
 */
final class IngestEndpoint {
  static final String DEVICE_PARAM = "device";

  private final Ingest ingest;
  private final Metrics metrics;
  private final Idempotency idempotency;
  private final Executor answers;
  private final int payloadLimit;
  private final int batchLimit;
  private final int maxBatchItems;

  IngestEndpoint(
      Ingest ingest,
      Metrics metrics,
      Idempotency idempotency,
      Executor answers,
      int payloadLimit,
      int batchLimit,
      int maxBatchItems) {
    this.ingest = ingest;
    this.metrics = metrics;
    this.idempotency = idempotency;
    this.answers = answers;
    this.payloadLimit = payloadLimit;
    this.batchLimit = batchLimit;
    this.maxBatchItems = maxBatchItems;
  }

  void single(Context ctx) {
    handle(ctx, false);
  }

  void batch(Context ctx) {
    handle(ctx, true);
  }

  private void handle(Context ctx, boolean batch) {
    String instance = ctx.path();
    Ingest.Channel channel = channel(ctx);
    String key = Idempotency.key(ctx.header(Idempotency.HEADER), instance);
    String contentType = ctx.contentType();
    boolean gzip = gzip(ctx.header("Content-Encoding"), ctx, channel, instance);
    String kind = batch ? batchKind(contentType) : singleKind(contentType);
    int limit = batch ? batchLimit : payloadLimit;
    Body body = read(ctx, gzip, limit);
    if (channel.device() != null
        && ingest
            .identities()
            .check(channel.identity(), java.util.List.of(channel.device()), "device")
            .isPresent()) {
      throw forbiddenDevice(head(body), contentType, channel, instance);
    }
    if (kind == null) {
      byte[] head = head(body);
      refuse(
          head,
          contentType,
          channel,
          RejectionReason.UNSUPPORTED_MESSAGE,
          "media type " + (contentType == null ? "(none)" : "'" + contentType + "'"));
      throw Problem.of(
              "unsupported-media-type",
              "Unsupported media type",
              415,
              (batch
                      ? "send application/json (an array) or application/x-ndjson"
                      : "send application/json")
                  + ", not "
                  + (contentType == null ? "a body without Content-Type" : contentType)
                  + "; the body was kept and quarantined",
              instance)
          .raise();
    }
    if (body instanceof TooLarge t) {
      throw tooLarge(t, contentType, channel, instance, batch);
    }
    if (body instanceof BadEncoding b) {
      throw badEncoding(b, contentType, channel, instance);
    }
    byte[] bytes = ((Complete) body).bytes();
    List<Item> items = items(bytes, kind, batch, contentType, channel, instance);
    if (key == null) {
      ingest(ctx, items, channel, batch, index -> ingest.freshId(), null);
      return;
    }
    String scoped = Idempotency.scoped(channel.identity(), key);
    if (!idempotency.claim(scoped)) {
      Answer busy = Idempotency.stillInFlight(instance);
      metrics.answered(batch ? "batch" : "single", busy.status());
      write(ctx, busy);
      return;
    }
    boolean handedOver = false;
    try {
      String fingerprint =
          Idempotency.fingerprint(
              channel.template(), channel.device(), batch ? "batch" : "single", bytes);
      Idempotency.Known known = idempotency.replay(scoped, fingerprint, instance).orElse(null);
      if (known != null) {
        if (known.replayed()) {
          ctx.header(Idempotency.REPLAYED, "true");
        }
        metrics.answered(batch ? "batch" : "single", known.answer().status());
        write(ctx, known.answer());
        return;
      }
      ingest(
              ctx,
              items,
              channel,
              batch,
              index -> Idempotency.rawId(scoped, fingerprint, index),
              a -> idempotency.settle(scoped, fingerprint, a, instance))
          // Released once the answer is saved (settle ran), or the answer failed.
          .whenComplete((a, e) -> idempotency.release(scoped));
      handedOver = true;
    } finally {
      if (!handedOver) {
        idempotency.release(scoped);
      }
    }
  }

  /**
   * Submits the items and answers once they are committed; returns the answer.
   *
   * @param settle what the answer becomes once computed (saved under the Idempotency-Key), or null
   */
  private CompletableFuture<Answer> ingest(
      Context ctx,
      List<Item> items,
      Ingest.Channel channel,
      boolean batch,
      IntFunction<String> rawIds,
      UnaryOperator<Answer> settle) {
    String instance = ctx.path();
    CompletableFuture<Answer> answer =
        ingest
            .submit(items, channel, rawIds)
            .thenApplyAsync(
                results -> {
                  Answer a = Answers.of(results, batch, instance);
                  return settle == null ? a : settle.apply(a);
                },
                answers);
    ctx.future(
        () ->
            answer.thenAccept(
                a -> {
                  metrics.answered(batch ? "batch" : "single", a.status());
                  write(ctx, a);
                }));
    return answer;
  }

  /** The items of the body; a batch over {@code maxBatchItems} or without any is refused. */
  private List<Item> items(
      byte[] bytes,
      String kind,
      boolean batch,
      String contentType,
      Ingest.Channel channel,
      String instance) {
    if (!batch) {
      return List.of(new Item(0, 0, bytes));
    }
    List<Item> items =
        kind.equals("ndjson")
            ? BatchSplitter.ndjson(bytes, maxBatchItems)
            : BatchSplitter.array(bytes, maxBatchItems);
    if (items.size() > maxBatchItems) {
      refuse(
          bytes,
          contentType,
          channel,
          RejectionReason.PAYLOAD_TOO_LARGE,
          "batch of more than " + maxBatchItems + " items");
      throw Problem.of(
              "too-many-items",
              "Too many items",
              413,
              "a batch holds at most "
                  + maxBatchItems
                  + " items; split it (the body was kept and quarantined)",
              instance)
          .with("maxItems", maxBatchItems)
          .raise();
    }
    if (items.isEmpty()) {
      throw Problem.of("empty-batch", "Empty batch", 400, "the batch holds no items", instance)
          .raise();
    }
    return items;
  }

  private Problem.Raised tooLarge(
      TooLarge t, String contentType, Ingest.Channel channel, String instance, boolean batch) {
    refuse(
        t.head(),
        contentType,
        channel,
        RejectionReason.PAYLOAD_TOO_LARGE,
        (batch ? "batch" : "payload") + " over the limit of " + t.limit() + " bytes");
    return Problem.of(
            "payload-too-large",
            "Payload too large",
            413,
            "the "
                + (batch ? "batch" : "payload")
                + " is over the limit of "
                + t.limit()
                + " bytes (after decompression); its first bytes were kept and quarantined",
            instance)
        .with("limit", t.limit())
        .raise();
  }

  /**
   * A device certificate names one device; {@code ?device=} another: refused with 403, the bytes
   * kept and quarantined ({@code not-authorized}), the attempt audited.
   */
  private Problem.Raised forbiddenDevice(
      byte[] head, String contentType, Ingest.Channel channel, String instance) {
    String detail =
        "the request names device '"
            + channel.device()
            + "' but the client certificate is another device";
    ingest.auditRefusal(channel, detail);
    refuse(head, contentType, channel, RejectionReason.NOT_AUTHORIZED, detail);
    return Problem.of(
            "forbidden-device",
            "Not this device",
            403,
            detail + "; a device may only send as itself (the body was kept and quarantined)",
            instance)
        .raise();
  }

  private Problem.Raised badEncoding(
      BadEncoding b, String contentType, Ingest.Channel channel, String instance) {
    refuse(b.head(), contentType, channel, RejectionReason.MALFORMED_PAYLOAD, b.detail());
    return Problem.of(
            "bad-content-encoding",
            "Bad content encoding",
            400,
            b.detail() + "; what could be read was kept and quarantined",
            instance)
        .raise();
  }

  /**
   * {@code gzip} (or {@code x-gzip}) or no coding; any other coding is refused with 415. The header
   * is a list (RFC 9110 §8.4, case-insensitive); {@code identity} entries mean no coding and are
   * dropped, so {@code gzip, identity} is gzip. Two codings (gzip twice) are refused.
   */
  private boolean gzip(String coding, Context ctx, Ingest.Channel channel, String instance) {
    if (coding == null) {
      return false;
    }
    List<String> codings =
        java.util.Arrays.stream(coding.split(","))
            .map(c -> c.strip().toLowerCase(Locale.ROOT))
            .filter(c -> !c.isEmpty() && !c.equals("identity"))
            .toList();
    if (codings.isEmpty()) {
      return false;
    }
    if (codings.size() == 1 && (codings.get(0).equals("gzip") || codings.get(0).equals("x-gzip"))) {
      return true;
    }
    Body raw = read(ctx, false, payloadLimit);
    refuse(
        head(raw),
        ctx.contentType(),
        channel,
        RejectionReason.UNSUPPORTED_MESSAGE,
        "content coding '" + coding + "'");
    ctx.header("Accept-Encoding", "gzip");
    throw Problem.of(
            "unsupported-content-encoding",
            "Unsupported content encoding",
            415,
            "Content-Encoding '"
                + coding
                + "' is not supported; send gzip or no coding (the body was kept and quarantined)",
            instance)
        .raise();
  }

  private static String singleKind(String contentType) {
    String base = base(contentType);
    return base != null && (base.equals("application/json") || base.endsWith("+json"))
        ? "json"
        : null;
  }

  private static String batchKind(String contentType) {
    String base = base(contentType);
    if (base == null) {
      return null;
    }
    if (base.equals("application/x-ndjson")
        || base.equals("application/ndjson")
        || base.equals("application/jsonl")
        || base.equals("application/x-jsonlines")) {
      return "ndjson";
    }
    return base.equals("application/json") ? "array" : null;
  }

  private static String base(String contentType) {
    return contentType == null
        ? null
        : MediaTypeParameters.baseType(contentType).strip().toLowerCase(Locale.ROOT);
  }

  private static Body read(Context ctx, boolean gzip, int limit) {
    try {
      return BodyReader.read(ctx.bodyInputStream(), gzip, limit);
    } catch (IOException e) {
      throw new UncheckedIOException("the client went away while sending", e);
    }
  }

  private static byte[] head(Body body) {
    if (body instanceof TooLarge t) {
      return t.head();
    }
    if (body instanceof BadEncoding b) {
      return b.head();
    }
    return ((Complete) body).bytes();
  }

  private void refuse(
      byte[] bytes,
      String contentType,
      Ingest.Channel channel,
      RejectionReason reason,
      String detail) {
    String sentAs = contentType == null ? "no Content-Type" : "Content-Type " + contentType;
    ingest.refuse(
        bytes, channel, new Rejection(reason, null, detail + " (sent with " + sentAs + ")"));
  }

  /** The channel: template from the path, device from {@code ?device=}, peer and certificate. */
  /**
   * Who sent it, journaled with the bytes: the client certificate's subject, else the bearer
   * token's subject ({@code token:<subject>}) when the API authenticates; null otherwise.
   */
  private static String identity(Context ctx) {
    String subject = ClientCertificates.subject(ctx.req());
    if (subject != null) {
      return subject;
    }
    Principal p = ctx.attribute(AccessControl.PRINCIPAL);
    return p == null || p.via().equals("none") ? null : "token:" + p.subject();
  }

  static Ingest.Channel channel(Context ctx) {
    String template = ctx.pathParam("template");
    if (!Names.valid(template)) {
      throw Problem.of(
              "bad-template-name",
              "Bad template name",
              400,
              "a template name is 1 to 128 letters, digits, '.', '_' or '-'",
              ctx.path())
          .raise();
    }
    String device = ctx.queryParam(DEVICE_PARAM);
    if (device != null && (device.isBlank() || device.length() > 256)) {
      throw Problem.of("bad-device", "Bad device", 400, "device is 1 to 256 characters", ctx.path())
          .raise();
    }
    return new Ingest.Channel(
        template, device, ctx.ip() + ":" + ctx.req().getRemotePort(), identity(ctx));
  }

  static void write(Context ctx, Answer a) {
    ctx.status(a.status());
    if (a.retryAfter() != null) {
      ctx.header("Retry-After", Integer.toString(a.retryAfter()));
    }
    ctx.contentType(a.contentType());
    ctx.result(a.bytes());
  }
}
