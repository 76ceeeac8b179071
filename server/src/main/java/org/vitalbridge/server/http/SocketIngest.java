package org.vitalbridge.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.websocket.WsCloseStatus;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;
import org.vitalbridge.server.http.Answers.Answer;
import org.vitalbridge.server.http.BatchSplitter.Item;

/**
 * {@code /api/v1/ingest/{template}/ws}: devices that stream over WebSocket send one JSON payload
 * per frame (text or binary) and get one acknowledgment frame per payload once it is committed:
 * {@code {"kind":"ack","seq":n,"status":202,"body":{…}}}, the body being what the single-payload
 * HTTP endpoint would answer. {@code seq} counts the connection's frames from 1. A sender with more
 * than {@code maxPending} frames not yet acknowledged is closed with 1013 (try again later): the
 * journal pushes back on it instead of buffering without bound.
 */
final class SocketIngest {
  static final String IDENTITY = "vitalbridge.identity";
  static final int OVERLOADED = WsCloseStatus.TRY_AGAIN_LATER.getCode();

  private static final class Sender {
    final Ingest.Channel channel;
    final SocketSender out;
    final AtomicInteger pending = new AtomicInteger();
    int seq;

    Sender(Ingest.Channel channel, SocketSender out) {
      this.channel = channel;
      this.out = out;
    }
  }

  private final Map<String, Sender> senders = new ConcurrentHashMap<>();
  private final Ingest ingest;
  private final Metrics metrics;
  private final Executor answers;
  private final ScheduledExecutorService timer;
  private final int payloadLimit;
  private final int maxPending;

  SocketIngest(
      Ingest ingest,
      Metrics metrics,
      Executor answers,
      ScheduledExecutorService timer,
      int payloadLimit,
      int maxPending) {
    this.ingest = ingest;
    this.metrics = metrics;
    this.answers = answers;
    this.timer = timer;
    this.payloadLimit = payloadLimit;
    this.maxPending = maxPending;
  }

  /** Before the upgrade: a bad template or device name is a plain HTTP problem, no socket. */
  void beforeUpgrade(Context ctx) {
    Ingest.Channel channel = IngestEndpoint.channel(ctx);
    ctx.attribute(IDENTITY, channel.identity() == null ? "" : channel.identity());
  }

  void configure(WsConfig ws) {
    ws.onConnect(
        ctx -> {
          String identity = ctx.attribute(IDENTITY);
          Ingest.Channel channel =
              new Ingest.Channel(
                  ctx.pathParam("template"),
                  ctx.queryParam(IngestEndpoint.DEVICE_PARAM),
                  String.valueOf(ctx.session.getRemoteSocketAddress()),
                  identity == null || identity.isEmpty() ? null : identity);
          SocketSender out =
              new SocketSender(
                  ctx.session,
                  // Acknowledgments and at most one close reason: never the limit that closes.
                  maxPending + 1,
                  OVERLOADED,
                  "acknowledgments not read",
                  answers,
                  timer);
          // Jetty closes a connection whose message is over 64 KB by default (1009) before it
          // reaches us: take frames up to the payload limit, and those over it (answered 413 with
          // their head kept) up to twice the limit.
          ctx.session.setMaxTextMessageSize(frameLimit());
          ctx.session.setMaxBinaryMessageSize(frameLimit());
          ctx.enableAutomaticPings(15, java.util.concurrent.TimeUnit.SECONDS);
          senders.put(ctx.sessionId(), new Sender(channel, out));
        });
    ws.onMessage(ctx -> receive(ctx, ctx.message().getBytes(StandardCharsets.UTF_8)));
    ws.onBinaryMessage(ctx -> receive(ctx, bytes(ctx.data())));
    ws.onClose(ctx -> senders.remove(ctx.sessionId()));
    ws.onError(ctx -> senders.remove(ctx.sessionId()));
  }

  /** The largest message Jetty hands over: twice the payload limit, never below its 64 KB. */
  long frameLimit() {
    return Math.min(Math.max(2L * payloadLimit, 65_536L), Integer.MAX_VALUE - 8L);
  }

  private void receive(WsContext ctx, byte[] payload) {
    Sender s = senders.get(ctx.sessionId());
    if (s == null) {
      return;
    }
    int seq = ++s.seq;
    if (s.pending.incrementAndGet() > maxPending) {
      // Back-pressure, not a rejection: the frame is not stored and the sender resends what was
      // not acknowledged after it reconnects.
      s.out.close(OVERLOADED, "more than " + maxPending + " frames waiting for acknowledgment");
      senders.remove(ctx.sessionId());
      return;
    }
    String instance = "/api/v1/ingest/" + s.channel.template() + "/ws#" + seq;
    if (payload.length > payloadLimit) {
      ingest
          .refuseAsync(
              payload,
              s.channel,
              new Rejection(
                  RejectionReason.PAYLOAD_TOO_LARGE,
                  null,
                  "frame of " + payload.length + " bytes over the limit of " + payloadLimit))
          .thenAcceptAsync(
              rawId -> {
                Problem p =
                    Problem.of(
                        "payload-too-large",
                        "Payload too large",
                        413,
                        "the frame is over the limit of "
                            + payloadLimit
                            + " bytes; its first bytes were kept and quarantined",
                        instance);
                acknowledge(s, seq, new Answer(413, Problem.CONTENT_TYPE, p.toJson(), null));
              },
              answers);
      return;
    }
    ingest
        .submit(List.of(new Item(0, 0, payload)), s.channel, index -> ingest.freshId())
        .thenAcceptAsync(
            results -> acknowledge(s, seq, Answers.of(results, false, instance)), answers);
  }

  private void acknowledge(Sender s, int seq, Answer answer) {
    s.pending.decrementAndGet();
    metrics.answered("ws", answer.status());
    ObjectNode ack = Json.MAPPER.createObjectNode();
    ack.put("kind", "ack");
    ack.put("seq", seq);
    ack.put("status", answer.status());
    if (answer.retryAfter() != null) {
      ack.put("retryAfter", answer.retryAfter());
    }
    ack.set("body", answer.body());
    s.out.send(Json.string(ack));
  }

  private static byte[] bytes(ByteBuffer data) {
    byte[] b = new byte[data.remaining()];
    data.get(b);
    return b;
  }
}
