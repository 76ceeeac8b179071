package org.vitalbridge.server.http;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.model.RawMessageIds;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;
import org.vitalbridge.core.pipeline.JsonTemplateDecoder;
import org.vitalbridge.server.http.BatchSplitter.Item;
import org.vitalbridge.store.Ingestor;
import org.vitalbridge.store.PayloadTooLargeException;
import org.vitalbridge.store.Store;

/**
 * Items in, receipts out, through {@code store.ingestor()}: each item is its own raw message under
 * the channel's content type ({@code application/json; template=…; device=…}), decoded in the
 * calling thread and answered once the journal has committed it (or failed, or the commit timeout
 * passed). Items over the journal's limit are refused, so their head is still kept.
 */
final class Ingest {
  static final String ADAPTER = "http";

  /** Where a message came from: the channel (template, device) and the peer. */
  record Channel(String template, String device, String source, String identity) {
    String contentType() {
      return JsonTemplateDecoder.contentType(template, device);
    }
  }

  /**
   * What became of one item: a receipt once committed, or why it is not known to be stored.
   *
   * @param failure {@code null} when {@code receipt} is set
   */
  record Result(Item item, String rawId, Ingestor.Receipt receipt, Throwable failure) {}

  private final Store store;
  private final Clock clock;
  private final Duration commitTimeout;
  private final int payloadLimit;

  /**
   * @param payloadLimit largest item ({@code http.maxPayloadBytes}); a larger one (a batch item) is
   *     refused as {@code payload-too-large} and its head kept
   */
  Ingest(Store store, Clock clock, Duration commitTimeout, int payloadLimit) {
    this.store = store;
    this.clock = clock;
    this.commitTimeout = commitTimeout;
    this.payloadLimit = payloadLimit;
  }

  /**
   * Submits every item (decoding each in this thread) and completes, never exceptionally, once all
   * are committed, failed or timed out.
   *
   * @param rawIds the raw id of the item at an index
   */
  CompletableFuture<List<Result>> submit(
      List<Item> items, Channel channel, IntFunction<String> rawIds) {
    List<CompletableFuture<Result>> pending = new ArrayList<>(items.size());
    for (Item item : items) {
      RawMessage raw = raw(rawIds.apply(item.index()), item.bytes(), channel);
      pending.add(settle(item, raw.id(), submit(raw)));
    }
    return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
        .thenApply(done -> pending.stream().map(CompletableFuture::join).toList());
  }

  /** Waits for {@link #submit}; the futures it returns never fail, so this only waits. */
  List<Result> submitAndWait(List<Item> items, Channel channel, IntFunction<String> rawIds)
      throws InterruptedException {
    try {
      return submit(items, channel, rawIds).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("ingest results never fail", e);
    }
  }

  /**
   * Keeps bytes that were refused on receipt (wrong media type, over the limit, unreadable) in the
   * journal under the channel's content type (so a reprocess maps them with the channel's
   * template), quarantined with {@code why}. Returns the raw id, or {@code null} when they could
   * not be kept (journal full or failing): the refusal is answered all the same.
   */
  String refuse(byte[] bytes, Channel channel, Rejection why) {
    return refuseAsync(bytes, channel, why).join();
  }

  /** {@link #refuse} without waiting: completes, never exceptionally, with the raw id or null. */
  CompletableFuture<String> refuseAsync(byte[] bytes, Channel channel, Rejection why) {
    RawMessage raw = raw(freshId(), bytes, channel);
    try {
      return store
          .ingestor()
          .refuse(raw, why)
          .orTimeout(commitTimeout.toMillis(), TimeUnit.MILLISECONDS)
          .handle((receipt, failure) -> failure == null ? receipt.rawId() : null);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(null);
    }
  }

  /** Who a device certificate may send as. */
  org.vitalbridge.store.DeviceIdentityPolicy identities() {
    return store.ingestor().identities();
  }

  /** Audits a device that tried to send as another (the refusal itself is answered elsewhere). */
  void auditRefusal(Channel channel, String detail) {
    try {
      store
          .audit()
          .record(
              channel.identity(), ADAPTER + ".send-as-other-device", "ingest", "refused", detail);
    } catch (RuntimeException e) {
      // The refusal stands without its audit row; the quarantine keeps the bytes and reason.
    }
  }

  String freshId() {
    return RawMessageIds.next(clock);
  }

  private CompletableFuture<Ingestor.Receipt> submit(RawMessage raw) {
    if (raw.size() > payloadLimit) {
      // A batch item over http.maxPayloadBytes (the batch as a whole may be larger): refused on
      // its own, its head kept and quarantined, like a single payload over the limit.
      return refuseTooLarge(
          raw, "item of " + raw.size() + " bytes is over the limit of " + payloadLimit + " bytes");
    }
    CompletableFuture<Ingestor.Receipt> f;
    try {
      f = store.ingestor().submit(raw);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    return f.exceptionallyCompose(
        e -> {
          if (unwrap(e) instanceof PayloadTooLargeException p) {
            // Larger than the journal takes: keep the head, quarantined, like any refusal.
            return refuseTooLarge(
                raw, "item of " + p.size() + " bytes is over the journal's limit of " + p.limit());
          }
          return CompletableFuture.failedFuture(unwrap(e));
        });
  }

  private CompletableFuture<Ingestor.Receipt> refuseTooLarge(RawMessage raw, String detail) {
    try {
      return store
          .ingestor()
          .refuse(raw, new Rejection(RejectionReason.PAYLOAD_TOO_LARGE, null, detail));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletableFuture<Result> settle(
      Item item, String rawId, CompletableFuture<Ingestor.Receipt> receipt) {
    return receipt
        .orTimeout(commitTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (r, failure) ->
                failure == null
                    ? new Result(item, rawId, r, null)
                    : new Result(item, rawId, null, unwrap(failure)));
  }

  private RawMessage raw(String id, byte[] bytes, Channel channel) {
    return new RawMessage(
        id,
        bytes,
        channel.contentType(),
        ADAPTER,
        channel.source(),
        channel.identity(),
        clock.instant());
  }

  static Throwable unwrap(Throwable t) {
    Throwable e = t;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
