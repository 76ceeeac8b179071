package org.vitalbridge.server.http;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

  Ingest(Store store, Clock clock, Duration commitTimeout) {
    this.store = store;
    this.clock = clock;
    this.commitTimeout = commitTimeout;
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
   * journal, quarantined with {@code why}. Returns the raw id, or {@code null} when they could not
   * be kept (journal full or failing): the refusal is answered all the same.
   */
  String refuse(byte[] bytes, String originalContentType, Channel channel, Rejection why) {
    RawMessage raw =
        new RawMessage(
            RawMessageIds.next(clock),
            bytes,
            originalContentType == null ? "application/octet-stream" : originalContentType,
            ADAPTER,
            channel.source(),
            channel.identity(),
            clock.instant());
    try {
      return store
          .ingestor()
          .refuse(raw, why)
          .get(commitTimeout.toMillis(), TimeUnit.MILLISECONDS)
          .rawId();
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Refused asynchronously (WebSocket frames): completes with the raw id or {@code null}. */
  CompletableFuture<String> refuseAsync(byte[] bytes, Channel channel, Rejection why) {
    RawMessage raw =
        new RawMessage(
            RawMessageIds.next(clock),
            bytes,
            channel.contentType(),
            ADAPTER,
            channel.source(),
            channel.identity(),
            clock.instant());
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

  String freshId() {
    return RawMessageIds.next(clock);
  }

  private CompletableFuture<Ingestor.Receipt> submit(RawMessage raw) {
    CompletableFuture<Ingestor.Receipt> f;
    try {
      f = store.ingestor().submit(raw);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    return f.exceptionallyCompose(
        e -> {
          if (unwrap(e) instanceof PayloadTooLargeException p) {
            // Larger than the journal takes (http.maxPayloadBytes above store.maxPayloadBytes):
            // keep the head, quarantined, like any refusal.
            Rejection why =
                new Rejection(
                    RejectionReason.PAYLOAD_TOO_LARGE,
                    null,
                    "item of " + p.size() + " bytes is over the journal's limit of " + p.limit());
            return store.ingestor().refuse(raw, why);
          }
          return CompletableFuture.failedFuture(unwrap(e));
        });
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
