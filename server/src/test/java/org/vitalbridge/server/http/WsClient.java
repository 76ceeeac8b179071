package org.vitalbridge.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A JDK WebSocket client that keeps every text message it receives, and how it was closed. */
final class WsClient implements WebSocket.Listener, AutoCloseable {
  /** How the server closed the connection. */
  record Closed(int code, String reason) {}

  final List<String> messages = new CopyOnWriteArrayList<>();
  final CompletableFuture<Closed> closed = new CompletableFuture<>();
  private final StringBuilder partial = new StringBuilder();
  WebSocket socket;

  private WsClient() {}

  static WsClient connect(HttpClient http, URI uri) throws Exception {
    WsClient c = new WsClient();
    c.socket =
        http.newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .buildAsync(uri, c)
            .get(20, TimeUnit.SECONDS);
    return c;
  }

  List<JsonNode> json() {
    List<JsonNode> out = new ArrayList<>();
    for (String m : messages) {
      try {
        out.add(ApiFixture.JSON.readTree(m));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  void send(String text) {
    socket.sendText(text, true).join();
  }

  void send(byte[] bytes) {
    socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
  }

  @Override
  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
    synchronized (partial) {
      partial.append(data);
      if (last) {
        messages.add(partial.toString());
        partial.setLength(0);
      }
    }
    ws.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
    closed.complete(new Closed(statusCode, reason));
    return null;
  }

  @Override
  public void onError(WebSocket ws, Throwable error) {
    closed.completeExceptionally(error);
  }

  @Override
  public void close() {
    if (socket != null && !socket.isOutputClosed()) {
      try {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        // Closed already, or the server went away: nothing to tidy.
      }
    }
    if (socket != null) {
      socket.abort();
    }
  }
}
