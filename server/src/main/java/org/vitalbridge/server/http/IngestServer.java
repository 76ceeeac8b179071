package org.vitalbridge.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.model.RawMessageIds;
import org.vitalbridge.store.PayloadTooLargeException;
import org.vitalbridge.store.Store;
import org.vitalbridge.store.StoreUsage;

/**
 * A minimal HTTP endpoint: {@code GET /health} and {@code POST /ingest} (any JSON body; answered
 * {@code 202} only after the journal commit). Errors are {@code application/problem+json}.
 */
public final class IngestServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IngestServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final Store store;
  private final Clock clock;
  private final int maxPayloadBytes;

  private IngestServer(HttpServer server, Store store, Clock clock, int maxPayloadBytes) {
    this.server = server;
    this.store = store;
    this.clock = clock;
    this.maxPayloadBytes = maxPayloadBytes;
  }

  public static IngestServer start(
      String host, int port, Store store, Clock clock, int maxPayloadBytes) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 256);
    IngestServer s = new IngestServer(server, store, clock, maxPayloadBytes);
    server.createContext("/health", s::health);
    server.createContext("/ingest", s::ingest);
    server.setExecutor(Executors.newFixedThreadPool(16));
    server.start();
    return s;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void health(HttpExchange ex) throws IOException {
    StoreUsage u = store.retention().usage();
    ObjectNode body = JSON.createObjectNode();
    body.put("status", "UP");
    body.put("journalBacklog", store.journal().backlog());
    body.put("rawMessages", u.rawCount());
    body.put("measurements", u.measurementCount());
    body.put("openQuarantine", u.openQuarantine());
    body.put("pendingOutbox", u.pendingOutbox());
    body.put("storeBytes", u.fileBytes());
    body.put("overCap", u.overCap());
    send(ex, 200, "application/json", JSON.writeValueAsBytes(body));
  }

  private void ingest(HttpExchange ex) throws IOException {
    if (!ex.getRequestMethod().equals("POST")) {
      problem(ex, 405, "Method Not Allowed", "use POST");
      return;
    }
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !(type.startsWith("application/json") || type.contains("+json"))) {
      problem(ex, 415, "Unsupported Media Type", "send application/json");
      return;
    }
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
      body = in.readNBytes(maxPayloadBytes + 1);
    }
    if (body.length > maxPayloadBytes) {
      problem(ex, 413, "Payload Too Large", "the limit is " + maxPayloadBytes + " bytes");
      return;
    }
    RawMessage raw =
        new RawMessage(
            RawMessageIds.next(clock),
            body,
            "application/json",
            "http",
            ex.getRemoteAddress().toString(),
            null,
            clock.instant());
    try {
      store.journal().append(raw).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof PayloadTooLargeException p) {
        problem(ex, 413, "Payload Too Large", p.getMessage());
      } else {
        log.error("journal append failed: {}", e.getCause().getMessage());
        problem(ex, 503, "Service Unavailable", "not stored; retry later");
      }
      return;
    } catch (TimeoutException e) {
      problem(ex, 503, "Service Unavailable", "journal commit timed out; retry later");
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      problem(ex, 503, "Service Unavailable", "interrupted");
      return;
    }
    ObjectNode ack = JSON.createObjectNode();
    ack.put("id", raw.id());
    ack.put("status", "accepted");
    send(ex, 202, "application/json", JSON.writeValueAsBytes(ack));
  }

  private static void problem(HttpExchange ex, int status, String title, String detail)
      throws IOException {
    ObjectNode p = JSON.createObjectNode();
    p.put("type", "about:blank");
    p.put("title", title);
    p.put("status", status);
    p.put("detail", detail);
    send(ex, status, "application/problem+json", JSON.writeValueAsBytes(p));
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(1);
  }
}
