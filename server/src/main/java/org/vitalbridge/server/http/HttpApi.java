package org.vitalbridge.server.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
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

/**
 * The HTTP API (Javalin on Jetty 12), plain or TLS 1.3: ingest (answered after the journal commit,
 * {@link IngestEndpoint}, {@link SocketIngest}), the live stream ({@link LiveStream}), the operator
 * endpoints (devices, measurements, rejections, raw messages, destinations, associations,
 * templates, flow), health and metrics, the OpenAPI document and the web console ({@link Console}).
 * Every route, with the role it needs, is listed in one table: {@link ApiRoutes}; {@link
 * AccessControl} enforces the roles under an {@link ApiAccess} and audits PHI reads, actions and
 * refusals ({@link ApiAudit}).
 *
 * <p>Every error is an RFC 9457 {@code application/problem+json} body.
 */
public final class HttpApi implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);

  private final Javalin app;
  private final LiveStream stream;
  private final Metrics metrics;
  private final ExecutorService answers;
  private final ScheduledExecutorService timer;
  private final List<ApiRoute> routes;

  private HttpApi(
      Javalin app,
      LiveStream stream,
      Metrics metrics,
      ExecutorService answers,
      ScheduledExecutorService timer,
      List<ApiRoute> routes) {
    this.routes = routes;
    this.app = app;
    this.stream = stream;
    this.metrics = metrics;
    this.answers = answers;
    this.timer = timer;
  }

  /**
   * Starts listening without a mapping (reprocessing and dry runs answer 503). {@code adapters} are
   * reported by {@code /health} (name → running); the answer is {@code 503} with status {@code
   * DEGRADED} when one is not.
   */
  public static HttpApi start(
      HttpApiConfig config, Store store, Clock clock, Map<String, BooleanSupplier> adapters) {
    return start(config, store, clock, adapters, Operations.none());
  }

  /**
   * Starts listening without authentication ({@link ApiAccess#none()}: tests and embedding behind
   * another gate); {@code ops} serves reprocessing, templates and destinations.
   */
  public static HttpApi start(
      HttpApiConfig config,
      Store store,
      Clock clock,
      Map<String, BooleanSupplier> adapters,
      Operations ops) {
    return start(config, store, clock, adapters, ops, ApiAccess.none());
  }

  /** Starts listening; every route needs its role ({@link AccessControl}) under {@code access}. */
  public static HttpApi start(
      HttpApiConfig config,
      Store store,
      Clock clock,
      Map<String, BooleanSupplier> adapters,
      Operations ops,
      ApiAccess access) {
    config.validate();
    AccessControl guard = new AccessControl(access, new ApiAudit(store.audit()));
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
    DestinationRoutes destinations = new DestinationRoutes(store, ops);
    List<ApiRoute> routes =
        ApiRoutes.table(
            new ApiRoutes.Endpoints(
                new Probes(store, components, metrics),
                endpoint,
                socketIngest,
                stream,
                new DeviceRoutes(store, clock),
                new MeasurementRoutes(store, clock),
                new RejectionRoutes(store, ops),
                new RawMessageRoutes(store, clock),
                destinations,
                new AssociationRoutes(store, clock),
                new TemplateRoutes(ops, clock),
                new FlowRoutes(store, clock, components, destinations),
                new NegativeAckRoutes(store),
                new AuditRoutes(store.audit()),
                new ConsentRoutes(store)));
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
              Console.register(c);
              for (ApiRoute r : routes) {
                if (r.socket() != null) {
                  c.routes.wsBeforeUpgrade(r.path(), guard.guardUpgrade(r));
                  c.routes.ws(r.path(), r.socket(), r.role());
                } else {
                  c.routes.addHttpHandler(
                      r.method().equals("POST") ? HandlerType.POST : HandlerType.GET,
                      r.path(),
                      guard.guard(r),
                      r.role());
                }
              }
              // After the access check of the same path: identity only for admitted senders.
              c.routes.wsBeforeUpgrade("/api/v1/ingest/{template}/ws", socketIngest::beforeUpgrade);
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
              c.routes.error(
                  405,
                  ctx ->
                      problem(
                          ctx,
                          Problem.of(
                              "method-not-allowed",
                              "Method not allowed",
                              405,
                              ctx.method() + " is not allowed on " + ctx.path(),
                              ctx.path())));
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
        "HTTP API on {}://{}:{}/ (ingest, stream, operations, console at /console)",
        config.tls() == null ? "http" : "https",
        config.host(),
        app.port());
    return new HttpApi(app, stream, metrics, answers, timer, routes);
  }

  public int port() {
    return app.port();
  }

  /** The route table this API serves (method, path, intended role). */
  List<ApiRoute> routes() {
    return routes;
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
    ssl.setIncludeProtocols(tls.protocols().toArray(String[]::new));
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
