package org.vitalbridge.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vitalbridge.store.Store;
import org.vitalbridge.store.StoreUsage;

/**
 * The HTTP API (Javalin on Jetty 12), plain or TLS 1.3:
 *
 * <ul>
 *   <li>{@code POST /api/v1/ingest/{template}} and {@code …/{template}/batch}: ingest, answered
 *       after the journal commit ({@link IngestEndpoint});
 *   <li>{@code GET /api/v1/stream} (WebSocket): live measurements ({@link LiveStream});
 *   <li>{@code GET /api/v1/ingest/{template}/ws} (WebSocket): ingest frame by frame ({@link
 *       SocketIngest});
 *   <li>{@code GET /api/v1/devices[/{id}]}: devices heard from, presence and last seen;
 *   <li>{@code GET /metrics}: Prometheus text format ({@link Metrics});
 *   <li>{@code GET /health}: store figures and the state of each adapter; {@code /health/live} and
 *       {@code /health/ready} (every adapter up) for orchestrators.
 * </ul>
 *
 * Every error is an RFC 9457 {@code application/problem+json} body.
 */
public final class HttpApi implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);

  private final Javalin app;
  private final LiveStream stream;
  private final Metrics metrics;
  private final ExecutorService answers;
  private final ScheduledExecutorService timer;

  private HttpApi(
      Javalin app,
      LiveStream stream,
      Metrics metrics,
      ExecutorService answers,
      ScheduledExecutorService timer) {
    this.app = app;
    this.stream = stream;
    this.metrics = metrics;
    this.answers = answers;
    this.timer = timer;
  }

  /**
   * Starts listening. {@code adapters} are reported by {@code /health} (name → running); the answer
   * is {@code 503} with status {@code DEGRADED} when one is not.
   */
  public static HttpApi start(
      HttpApiConfig config, Store store, Clock clock, Map<String, BooleanSupplier> adapters) {
    config.validate();
    int journalLimit = store.journal().maxPayloadBytes();
    int payloadLimit = config.payloadLimit(journalLimit);
    ExecutorService answers = Executors.newFixedThreadPool(4, daemon("vitalbridge-http-answer"));
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(daemon("vitalbridge-http-timer"));
    Ingest ingest = new Ingest(store, clock, config.commitTimeout(), payloadLimit);
    Metrics metrics = new Metrics(store, clock);
    IngestEndpoint endpoint =
        new IngestEndpoint(
            ingest,
            metrics,
            new Idempotency(store.idempotency()),
            answers,
            payloadLimit,
            config.batchLimit(journalLimit),
            config.maxBatchItems());
    LiveStream stream = new LiveStream(store.feed(), config.streamQueueSize(), answers, timer);
    SocketIngest socketIngest =
        new SocketIngest(ingest, metrics, answers, timer, payloadLimit, config.streamQueueSize());
    Map<String, BooleanSupplier> components = new LinkedHashMap<>(adapters);
    DeviceRoutes devices = new DeviceRoutes(store.devices());
    Javalin app =
        Javalin.create(
            c -> {
              c.startup.showJavalinBanner = false;
              c.startup.showOldJavalinVersionWarning = false;
              c.jetty.host = config.host();
              c.jetty.port = config.port();
              if (config.tls() != null) {
                c.jetty.addConnector((server, http) -> tlsConnector(server, http, config));
              }
              c.routes.get("/health", ctx -> health(ctx, store, components));
              c.routes.get("/health/live", ctx -> probe(ctx, true));
              c.routes.get(
                  "/metrics",
                  ctx -> ctx.contentType(Metrics.CONTENT_TYPE).result(metrics.scrape()));
              c.routes.get("/health/ready", ctx -> probe(ctx, ready(components)));
              c.routes.get("/api/v1/devices", devices::list);
              c.routes.get("/api/v1/devices/{id}", devices::one);
              c.routes.post("/api/v1/ingest/{template}", endpoint::single);
              c.routes.post("/api/v1/ingest/{template}/batch", endpoint::batch);
              c.routes.wsBeforeUpgrade("/api/v1/ingest/{template}/ws", socketIngest::beforeUpgrade);
              c.routes.ws("/api/v1/ingest/{template}/ws", socketIngest::configure);
              c.routes.ws("/api/v1/stream", stream::configure);
              c.routes.exception(
                  Problem.Raised.class,
                  (e, ctx) -> {
                    if (ctx.path().startsWith("/api/v1/ingest/")) {
                      metrics.answered(
                          ctx.path().endsWith("/batch") ? "batch" : "single", e.problem().status());
                    }
                    problem(ctx, e.problem());
                  });
              c.routes.exception(
                  UncheckedIOException.class,
                  (e, ctx) -> log.debug("client went away: {}", e.getMessage()));
              c.routes.exception(
                  Exception.class,
                  (e, ctx) -> {
                    log.error("request {} {} failed", ctx.method(), ctx.path(), e);
                    problem(
                        ctx,
                        Problem.of(
                            "internal-error",
                            "Internal error",
                            500,
                            "the request could not be handled; nothing is known to be stored",
                            ctx.path()));
                  });
              c.routes.error(
                  404,
                  ctx -> {
                    String type = ctx.res().getContentType();
                    if (type == null || !type.startsWith(Problem.CONTENT_TYPE)) {
                      problem(
                          ctx,
                          Problem.of(
                              "not-found",
                              "Not found",
                              404,
                              "no such endpoint: " + ctx.method() + " " + ctx.path(),
                              ctx.path()));
                    }
                  });
            });
    try {
      app.start();
    } catch (RuntimeException e) {
      stream.close();
      metrics.close();
      answers.shutdownNow();
      timer.shutdownNow();
      throw new IllegalStateException(
          "http: cannot listen on "
              + config.host()
              + ":"
              + config.port()
              + " ("
              + e.getMessage()
              + "); set http.port (VITALBRIDGE_HTTP_PORT)",
          e);
    }
    log.info(
        "HTTP API on {}://{}:{}/ (ingest, stream, health)",
        config.tls() == null ? "http" : "https",
        config.host(),
        app.port());
    return new HttpApi(app, stream, metrics, answers, timer);
  }

  public int port() {
    return app.port();
  }

  /** Live-stream subscribers connected now. */
  public int streamSubscribers() {
    return stream.subscriberCount();
  }

  @Override
  public void close() {
    stream.close();
    app.stop();
    metrics.close();
    answers.shutdown();
    try {
      answers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    timer.shutdownNow();
  }

  private static ServerConnector tlsConnector(
      Server server, HttpConfiguration http, HttpApiConfig config) {
    HttpApiConfig.Tls tls = config.tls();
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    if (tls.context() != null) {
      ssl.setSslContext(tls.context());
    } else {
      ssl.setKeyStorePath(tls.keyStore().toString());
      ssl.setKeyStoreType("PKCS12");
      ssl.setKeyStorePassword(tls.keyStorePassword() == null ? "" : tls.keyStorePassword());
    }
    ssl.setIncludeProtocols("TLSv1.3");
    if (tls.requireClientCertificate()) {
      ssl.setNeedClientAuth(true);
    } else {
      ssl.setWantClientAuth(true);
    }
    // Certificates name devices, not hosts: no SNI host check on the client side of the handshake.
    ssl.setSniRequired(false);
    HttpConfiguration secure = new HttpConfiguration(http);
    SecureRequestCustomizer customizer = new SecureRequestCustomizer();
    customizer.setSniHostCheck(false);
    secure.addCustomizer(customizer);
    ServerConnector connector =
        new ServerConnector(
            server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(secure));
    connector.setHost(config.host());
    connector.setPort(config.port());
    return connector;
  }

  private static void health(Context ctx, Store store, Map<String, BooleanSupplier> components) {
    StoreUsage u = store.retention().usage();
    ObjectNode body = Json.MAPPER.createObjectNode();
    boolean up = true;
    ObjectNode adapters = Json.MAPPER.createObjectNode();
    for (Map.Entry<String, BooleanSupplier> e : components.entrySet()) {
      boolean running = e.getValue().getAsBoolean();
      adapters.put(e.getKey(), running ? "UP" : "DOWN");
      up &= running;
    }
    body.put("status", up ? "UP" : "DEGRADED");
    body.set("adapters", adapters);
    body.put("journalBacklog", store.journal().backlog());
    body.put("rawMessages", u.rawCount());
    body.put("measurements", u.measurementCount());
    body.put("openQuarantine", u.openQuarantine());
    body.put("pendingOutbox", u.pendingOutbox());
    body.put("storeBytes", u.fileBytes());
    body.put("overCap", u.overCap());
    ctx.status(up ? 200 : 503);
    ctx.contentType("application/json");
    ctx.result(Json.bytes(body));
  }

  /** Every adapter listening or connected (the store is open while this API runs). */
  private static boolean ready(Map<String, BooleanSupplier> components) {
    return components.values().stream().allMatch(BooleanSupplier::getAsBoolean);
  }

  /** A liveness or readiness probe: 200 {@code {"status":"UP"}} or 503 {@code DOWN}. */
  private static void probe(Context ctx, boolean up) {
    ctx.status(up ? 200 : 503);
    ctx.contentType("application/json");
    ctx.result(up ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
  }

  private static void problem(Context ctx, Problem p) {
    ctx.status(p.status());
    ctx.contentType(Problem.CONTENT_TYPE);
    ctx.result(p.toBytes());
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return task -> {
      Thread t = new Thread(task, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
