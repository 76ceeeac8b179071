package org.vitalbridge.server.http;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * Text frames to one WebSocket peer, one write at a time, never blocking the caller: frames wait in
 * a bounded queue, and a peer that lets it fill up (a stalled dashboard, a device that does not
 * read its acknowledgments) is closed with {@code overflowCode} instead of slowing whoever produces
 * the frames. The close frame may not get through a stalled connection, so it is cut after a grace.
 */
final class SocketSender {
  private static final long DISCONNECT_GRACE_SECONDS = 5;

  private final Session session;
  private final int limit;
  private final int overflowCode;
  private final String overflowReason;
  private final Executor continuation;
  private final ScheduledExecutorService timer;
  private final Queue<String> queue = new ArrayDeque<>();
  private boolean sending;
  private boolean closed;

  SocketSender(
      Session session,
      int limit,
      int overflowCode,
      String overflowReason,
      Executor continuation,
      ScheduledExecutorService timer) {
    this.session = session;
    this.limit = limit;
    this.overflowCode = overflowCode;
    this.overflowReason = overflowReason;
    this.continuation = continuation;
    this.timer = timer;
  }

  /** Queues {@code text}; false when the peer is closed or was just closed for falling behind. */
  boolean send(String text) {
    boolean overflow = false;
    boolean start = false;
    synchronized (this) {
      if (closed) {
        return false;
      }
      if (queue.size() >= limit) {
        closed = true;
        queue.clear();
        overflow = true;
      } else {
        queue.add(text);
        if (!sending) {
          sending = true;
          start = true;
        }
      }
    }
    if (overflow) {
      close(overflowCode, overflowReason);
      return false;
    }
    if (start) {
      writeNext();
    }
    return true;
  }

  /** Frames waiting to be written (the one being written not counted). */
  synchronized int backlog() {
    return queue.size();
  }

  synchronized boolean closed() {
    return closed;
  }

  /** Closes the session with {@code code} and {@code reason}, cut after a grace if it stalls. */
  void close(int code, String reason) {
    synchronized (this) {
      closed = true;
      queue.clear();
    }
    if (session.isOpen()) {
      session.close(code, reason, Callback.NOOP);
      timer.schedule(
          () -> {
            if (session.isOpen()) {
              session.disconnect();
            }
          },
          DISCONNECT_GRACE_SECONDS,
          TimeUnit.SECONDS);
    }
  }

  private void writeNext() {
    String next;
    synchronized (this) {
      next = closed ? null : queue.poll();
      if (next == null) {
        sending = false;
        return;
      }
    }
    // The next write starts from another thread: a write that completes inline would otherwise
    // recurse once per queued frame.
    session.sendText(
        next,
        Callback.from(
            () -> continuation.execute(this::writeNext),
            failure -> {
              synchronized (this) {
                closed = true;
                sending = false;
                queue.clear();
              }
            }));
  }
}
