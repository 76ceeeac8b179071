package org.vitalbridge.server.http;

import io.javalin.websocket.WsCloseStatus;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.store.MeasurementFeed;

/**
 * {@code /api/v1/stream}: committed measurements, live, as JSON text frames, filtered per
 * subscriber ({@link StreamFilter}). Frames are handed to each subscriber's {@link SocketSender}
 * from the pipeline thread without waiting; a subscriber more than {@code queueSize} frames behind
 * is closed with 1008 so that it never slows ingest or the other subscribers.
 */
final class LiveStream implements AutoCloseable {
  static final int TOO_SLOW = WsCloseStatus.POLICY_VIOLATION.getCode();
  private static final Logger log = LoggerFactory.getLogger(LiveStream.class);

  private record Subscriber(StreamFilter filter, SocketSender sender) {}

  private final Map<String, Subscriber> subscribers = new ConcurrentHashMap<>();
  private final int queueSize;
  private final Executor continuation;
  private final ScheduledExecutorService timer;
  private final AutoCloseable subscription;

  LiveStream(
      MeasurementFeed feed, int queueSize, Executor continuation, ScheduledExecutorService timer) {
    this.queueSize = queueSize;
    this.continuation = continuation;
    this.timer = timer;
    this.subscription = feed.subscribe(this::publish);
  }

  void configure(WsConfig ws) {
    ws.onConnect(
        ctx -> {
          StreamFilter filter = StreamFilter.of(ctx.queryParamMap());
          SocketSender sender =
              new SocketSender(
                  ctx.session,
                  queueSize,
                  TOO_SLOW,
                  "too slow: more than " + queueSize + " measurements behind",
                  continuation,
                  timer);
          ctx.enableAutomaticPings(15, TimeUnit.SECONDS);
          subscribers.put(ctx.sessionId(), new Subscriber(filter, sender));
          log.debug("stream subscriber {} connected", ctx.sessionId());
        });
    ws.onClose(ctx -> drop(ctx));
    ws.onError(ctx -> drop(ctx));
  }

  int subscriberCount() {
    return subscribers.size();
  }

  private void drop(WsContext ctx) {
    if (subscribers.remove(ctx.sessionId()) != null) {
      log.debug("stream subscriber {} gone", ctx.sessionId());
    }
  }

  private void publish(Measurement m) {
    String frame = null;
    for (Map.Entry<String, Subscriber> e : subscribers.entrySet()) {
      Subscriber s = e.getValue();
      if (!s.filter().matches(m)) {
        continue;
      }
      if (frame == null) {
        frame = Json.string(MeasurementJson.of(m));
      }
      if (!s.sender().send(frame)) {
        subscribers.remove(e.getKey());
        log.info("stream subscriber {} dropped: too slow or closed", e.getKey());
      }
    }
  }

  @Override
  public void close() {
    try {
      subscription.close();
    } catch (Exception e) {
      log.warn("cannot unsubscribe the live stream: {}", e.toString());
    }
    subscribers.values().forEach(s -> s.sender().close(1001, "server stopping"));
    subscribers.clear();
  }
}
