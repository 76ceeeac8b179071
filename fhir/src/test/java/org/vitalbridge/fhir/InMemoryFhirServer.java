package org.vitalbridge.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.Transaction;
import ca.uhn.fhir.rest.annotation.TransactionParam;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * A real HAPI FHIR {@link RestfulServer} on embedded Jetty (127.0.0.1, ephemeral port) that accepts
 * transaction Bundles into an in-memory store, with fault injection for the delivery tests.
 *
 * <p>Transactions are processed entry by entry, atomically (all or nothing) against the store: POST
 * with {@code ifNoneExist} is a conditional create on {@code identifier=system|value} (a match
 * answers 200 and creates nothing), {@code PUT Type?identifier=…} is a conditional update (create
 * when absent, else a new version of the match: {@code meta.versionId} counts up), {@code PUT
 * Type/id} is update-as-create with the client's id, and {@code urn:uuid:} references inside
 * resources are rewritten to the ids assigned. The store survives {@link #stop()} and {@link
 * #start()} (a server restart with a persistent database), and a restart binds the same port, so a
 * client's base URL stays valid.
 *
 * <p>Faults: bearer-token check (401), the next N requests answered 429 with Retry-After or 500, a
 * poison value refused with 422 and an OperationOutcome, and a 500 after the commit (the response
 * is lost, the data is not).
 */
final class InMemoryFhirServer implements AutoCloseable {
  /** The server's own context (the destination's client uses the cached one). */
  private static final FhirContext CTX = FhirContext.forR4();

  private static final String JSON = "application/fhir+json;charset=utf-8";

  /** One HTTP request as it reached the server (before any fault), and what was answered. */
  record RecordedRequest(
      String method, String path, Map<String, String> headers, byte[] body, int status) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    boolean isGzipBody() {
      return body.length >= 2 && (body[0] & 0xff) == 0x1f && (body[1] & 0xff) == 0x8b;
    }
  }

  private final Data data = new Data();
  private final Faults faults = new Faults();
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private Server jetty;
  private int port;

  private InMemoryFhirServer() {}

  /** A started server. */
  static InMemoryFhirServer started() {
    InMemoryFhirServer s = new InMemoryFhirServer();
    s.start();
    return s;
  }

  /** Starts (or restarts after {@link #stop()}) on the port of the first start. */
  synchronized void start() {
    if (jetty != null) {
      return;
    }
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);

    RestfulServer fhir = new RestfulServer(CTX);
    fhir.registerProvider(new TransactionProvider(data));
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(new ServletHolder(fhir), "/fhir/*");
    context.addFilter(new FilterHolder(faults), "/*", EnumSet.of(DispatcherType.REQUEST));
    server.setHandler(context);
    try {
      server.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the FHIR test server on port " + port, e);
    }
    port = connector.getLocalPort();
    jetty = server;
  }

  /** Stops listening; the data stays (as a restarted server with a database would have it). */
  synchronized void stop() {
    if (jetty == null) {
      return;
    }
    try {
      jetty.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the FHIR test server", e);
    }
    jetty = null;
  }

  synchronized boolean running() {
    return jetty != null;
  }

  String baseUrl() {
    if (port == 0) {
      throw new IllegalStateException("never started");
    }
    return "http://127.0.0.1:" + port + "/fhir";
  }

  int port() {
    return port;
  }

  @Override
  public void close() {
    stop();
  }

  // --- fault injection --------------------------------------------------------------------

  /** Only requests with {@code Authorization: Bearer <t>} where {@code valid(t)} get through. */
  void requireBearer(Predicate<String> valid) {
    faults.tokenCheck = valid;
  }

  /** The next {@code n} requests are answered 429 with {@code Retry-After: <seconds>}. */
  void respond429(int n, int retryAfterSeconds) {
    faults.retryAfterSeconds = retryAfterSeconds;
    faults.tooMany.set(n);
  }

  /** The next {@code n} requests are answered 500 before anything is processed. */
  void respond500(int n) {
    faults.serverErrors.set(n);
  }

  /**
   * The {@code k}-th request from now (1 = the next one) is answered 500, whatever comes before it.
   */
  void respond500OnRequest(int k) {
    faults.serverErrorAt.add(faults.seen.get() + k);
  }

  /** Every request is held this long before it is handled (a slow server). */
  void delayResponses(java.time.Duration delay) {
    faults.delayMillis = delay.toMillis();
  }

  /** The next {@code n} transactions are committed and then answered 500 (a lost response). */
  void failAfterCommit(int n) {
    data.failAfterCommit.set(n);
  }

  /**
   * Any bundle with an Observation whose valueQuantity equals {@code value} is refused (422) with
   * an OperationOutcome whose diagnostics are {@link #refusalText(BigDecimal)}.
   */
  void refuse(BigDecimal value) {
    data.poison = value;
  }

  void stopRefusing() {
    data.poison = null;
  }

  static String refusalText(BigDecimal value) {
    return "Observation.valueQuantity " + value.toPlainString() + " refused by site policy";
  }

  // --- what the server saw ----------------------------------------------------------------

  /** Every HTTP request that reached the server, in order. */
  List<RecordedRequest> requests() {
    // The client can see a response before this filter has recorded it: wait for in-flight ones.
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .pollInterval(java.time.Duration.ofMillis(2))
        .until(() -> inFlight.get() == 0);
    return List.copyOf(requests);
  }

  /** Transaction requests (POST to the base) with the given answer status. */
  long transactionsAnswered(int status) {
    return requests().stream()
        .filter(r -> r.method().equals("POST") && r.path().equals("/fhir"))
        .filter(r -> r.status() == status)
        .count();
  }

  long transactionRequests() {
    return requests().stream()
        .filter(r -> r.method().equals("POST") && r.path().equals("/fhir"))
        .count();
  }

  int observationCount() {
    return data.of("Observation").size();
  }

  List<Observation> observations() {
    return data.all("Observation", Observation.class);
  }

  List<Device> devices() {
    return data.all("Device", Device.class);
  }

  List<Provenance> provenances() {
    return data.all("Provenance", Provenance.class);
  }

  /** A stored resource by {@code Type/id}, or {@code null}. */
  Resource read(String reference) {
    String[] parts = reference.split("/");
    return data.of(parts[0]).get(parts[1]);
  }

  /** Observations carrying {@code urn:ietf:rfc:3986|value} as any of their identifiers. */
  List<Observation> observationsByIdentifier(String value) {
    return data.all("Observation", Observation.class).stream()
        .filter(o -> hasIdentifier(o.getIdentifier(), FhirSystems.URI, value))
        .toList();
  }

  /**
   * How many times an Observation was written with this identifier value as its conditional key: a
   * POST with {@code ifNoneExist} or a {@code PUT Observation?identifier=}.
   */
  int writeCount(String identifierValue) {
    return data.posts.getOrDefault(identifierValue, 0);
  }

  /** The identifiers (conditional keys) of Observations in the order they were created. */
  List<String> creationOrder() {
    return List.copyOf(data.created);
  }

  /**
   * How many conditional writes of an Observation found an existing one instead of creating one (a
   * conditional create then changes nothing, a conditional update stores a new version of it).
   */
  int conditionalMatches() {
    return data.matches.get();
  }

  // --- implementation ---------------------------------------------------------------------

  private static boolean hasIdentifier(List<Identifier> ids, String system, String value) {
    for (Identifier i : ids) {
      if (system.equals(i.getSystem()) && value.equals(i.getValue())) {
        return true;
      }
    }
    return false;
  }

  private static List<Identifier> identifiers(Resource r) {
    if (r instanceof Observation o) {
      return o.getIdentifier();
    }
    if (r instanceof Device d) {
      return d.getIdentifier();
    }
    return List.of();
  }

  private static OperationOutcome outcome(String diagnostics) {
    OperationOutcome oo = new OperationOutcome();
    oo.addIssue()
        .setSeverity(OperationOutcome.IssueSeverity.ERROR)
        .setCode(OperationOutcome.IssueType.PROCESSING)
        .setDiagnostics(diagnostics);
    return oo;
  }

  /** The in-memory database: one map per resource type; transactions are serialized. */
  static final class Data {
    private final Map<String, Map<String, Resource>> store = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> sequences = new ConcurrentHashMap<>();
    private final Map<String, Integer> posts = new ConcurrentHashMap<>();
    private final Map<String, Map<String, java.util.Set<String>>> index = new ConcurrentHashMap<>();
    private final List<String> created = new CopyOnWriteArrayList<>();
    private final AtomicInteger matches = new AtomicInteger();
    private final AtomicInteger failAfterCommit = new AtomicInteger();
    private volatile BigDecimal poison;

    Map<String, Resource> of(String type) {
      return store.computeIfAbsent(type, t -> new ConcurrentHashMap<>());
    }

    <T extends Resource> List<T> all(String type, Class<T> cls) {
      List<T> out = new ArrayList<>();
      for (Resource r : of(type).values()) {
        out.add(cls.cast(r));
      }
      out.sort((a, b) -> Integer.compare(idNumber(a), idNumber(b)));
      return out;
    }

    private static int idNumber(Resource r) {
      String id = r.getIdElement().getIdPart();
      return id.chars().allMatch(Character::isDigit) ? Integer.parseInt(id) : Integer.MAX_VALUE;
    }

    synchronized Bundle transaction(Bundle in) {
      if (in.getType() != Bundle.BundleType.TRANSACTION) {
        throw new InvalidRequestException("expected a transaction Bundle, got " + in.getType());
      }
      refusePoison(in);

      // Plan against the committed store plus this transaction's own writes; commit at the end.
      Map<String, Map<String, Resource>> staged = new LinkedHashMap<>();
      Map<String, String> idByFullUrl = new HashMap<>();
      Map<String, Integer> stagedPosts = new HashMap<>();
      List<String> stagedCreated = new ArrayList<>();
      int stagedMatches = 0;
      Map<String, Integer> nextIds = new HashMap<>();
      Bundle out = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);

      for (Bundle.BundleEntryComponent e : in.getEntry()) {
        Resource r = e.getResource();
        Bundle.BundleEntryRequestComponent req = e.getRequest();
        if (r == null || req.getMethod() == null || !req.hasUrl()) {
          throw new InvalidRequestException("every entry needs a resource, a method and a url");
        }
        String type = r.fhirType();
        String id;
        boolean create;
        switch (req.getMethod()) {
          case POST -> {
            if (!req.getUrl().equals(type)) {
              throw new InvalidRequestException("POST url " + req.getUrl() + " for a " + type);
            }
            Resource existing = null;
            if (req.hasIfNoneExist()) {
              String[] key = identifierSearch(type, req.getIfNoneExist());
              if (type.equals("Observation")) {
                stagedPosts.merge(key[1], 1, Integer::sum);
              }
              existing = find(staged, type, key[0], key[1]);
            }
            if (existing != null) {
              id = existing.getIdElement().getIdPart();
              create = false;
              stagedMatches++;
            } else {
              id = newId(type, nextIds);
              create = true;
              if (type.equals("Observation")) {
                stagedCreated.add(identifiers(r).isEmpty() ? id : identifiers(r).get(0).getValue());
              }
              stage(staged, type, id, r);
            }
          }
          case PUT -> {
            String url = req.getUrl();
            if (url.contains("?")) {
              String[] key = identifierSearch(type, url);
              Resource existing = find(staged, type, key[0], key[1]);
              create = existing == null;
              id = create ? newId(type, nextIds) : existing.getIdElement().getIdPart();
              if (type.equals("Observation")) {
                stagedPosts.merge(key[1], 1, Integer::sum);
                if (create) {
                  stagedCreated.add(
                      identifiers(r).isEmpty() ? id : identifiers(r).get(0).getValue());
                } else {
                  stagedMatches++;
                }
              }
            } else {
              String[] parts = url.split("/");
              if (parts.length != 2 || !parts[0].equals(type)) {
                throw new InvalidRequestException("PUT url " + url + " for a " + type);
              }
              id = parts[1];
              create = !of(type).containsKey(id) && !stagedOf(staged, type).containsKey(id);
            }
            stage(staged, type, id, r);
          }
          default ->
              throw new InvalidRequestException("method " + req.getMethod() + " not supported");
        }
        if (e.hasFullUrl()) {
          idByFullUrl.put(e.getFullUrl(), type + "/" + id);
        }
        out.addEntry()
            .getResponse()
            .setStatus(create ? "201 Created" : "200 OK")
            .setLocation(type + "/" + id + "/_history/" + stagedVersion(staged, type, id, create));
      }

      // Rewrite urn:uuid references to the ids assigned (or matched) in this transaction.
      for (Map<String, Resource> byId : staged.values()) {
        for (Resource r : byId.values()) {
          for (Reference ref :
              CTX.newTerser().getAllPopulatedChildElementsOfType(r, Reference.class)) {
            String target = ref.getReference();
            if (target != null && target.startsWith("urn:uuid:")) {
              String resolved = idByFullUrl.get(target);
              if (resolved == null) {
                throw new InvalidRequestException("unresolvable reference " + target);
              }
              ref.setReference(resolved);
            }
          }
        }
      }

      // Commit.
      staged.forEach((type, byId) -> of(type).putAll(byId));
      staged.forEach(
          (type, byId) ->
              byId.forEach(
                  (id, r) -> {
                    for (Identifier i : identifiers(r)) {
                      index
                          .computeIfAbsent(type, t -> new ConcurrentHashMap<>())
                          .computeIfAbsent(
                              i.getSystem() + "|" + i.getValue(),
                              k -> ConcurrentHashMap.newKeySet())
                          .add(id);
                    }
                  }));
      stagedPosts.forEach((k, v) -> posts.merge(k, v, Integer::sum));
      created.addAll(stagedCreated);
      matches.addAndGet(stagedMatches);
      nextIds.forEach((type, last) -> sequences.get(type).set(last));

      if (failAfterCommit.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new InternalErrorException("simulated: committed, then the response was lost");
      }
      return out;
    }

    private void refusePoison(Bundle in) {
      BigDecimal p = poison;
      if (p == null) {
        return;
      }
      for (Bundle.BundleEntryComponent e : in.getEntry()) {
        if (e.getResource() instanceof Observation o
            && o.hasValueQuantity()
            && o.getValueQuantity().getValue() != null
            && o.getValueQuantity().getValue().compareTo(p) == 0) {
          throw new UnprocessableEntityException(CTX, outcome(refusalText(p)));
        }
      }
    }

    /** The version this transaction gave {@code type/id} (or that a matched create found). */
    private String stagedVersion(
        Map<String, Map<String, Resource>> staged, String type, String id, boolean create) {
      Resource r = stagedOf(staged, type).get(id);
      if (r == null) {
        r = of(type).get(id);
      }
      return r == null || create ? "1" : r.getIdElement().getVersionIdPart();
    }

    private String newId(String type, Map<String, Integer> nextIds) {
      AtomicInteger seq = sequences.computeIfAbsent(type, t -> new AtomicInteger());
      int next = nextIds.getOrDefault(type, seq.get()) + 1;
      nextIds.put(type, next);
      return Integer.toString(next);
    }

    private static Map<String, Resource> stagedOf(
        Map<String, Map<String, Resource>> staged, String type) {
      return staged.computeIfAbsent(type, t -> new LinkedHashMap<>());
    }

    /** Stages {@code r} as {@code type/id}, one version after what is stored under that id. */
    private void stage(
        Map<String, Map<String, Resource>> staged, String type, String id, Resource r) {
      Resource previous = stagedOf(staged, type).get(id);
      if (previous == null) {
        previous = of(type).get(id);
      }
      int version =
          previous == null ? 1 : Integer.parseInt(previous.getIdElement().getVersionIdPart()) + 1;
      Resource copy = r.copy();
      copy.setIdElement(new IdType(type, id, Integer.toString(version)));
      copy.getMeta().setVersionId(Integer.toString(version));
      stagedOf(staged, type).put(id, copy);
    }

    /** The one resource of {@code type} with this identifier; 412 when several match. */
    private Resource find(
        Map<String, Map<String, Resource>> staged, String type, String system, String value) {
      // Committed resources through the identifier index (a load run has tens of thousands), then
      // the few staged in this transaction.
      Map<String, Resource> stagedHere = stagedOf(staged, type);
      List<Resource> found = new ArrayList<>();
      for (String id :
          index
              .getOrDefault(type, Map.of())
              .getOrDefault(system + "|" + value, java.util.Set.of())) {
        Resource r = of(type).get(id);
        if (!stagedHere.containsKey(id)
            && r != null
            && hasIdentifier(identifiers(r), system, value)) {
          found.add(r);
        }
      }
      for (Resource r : stagedHere.values()) {
        if (hasIdentifier(identifiers(r), system, value)) {
          found.add(r);
        }
      }
      if (found.size() > 1) {
        throw new PreconditionFailedException(
            found.size() + " " + type + " resources match identifier " + system + "|" + value);
      }
      return found.isEmpty() ? null : found.get(0);
    }

    /** {@code [Type?]identifier=system|value} as {system, value}. */
    private static String[] identifierSearch(String type, String search) {
      String s = search;
      if (s.startsWith(type + "?")) {
        s = s.substring(type.length() + 1);
      }
      if (!s.startsWith("identifier=") || s.contains("&")) {
        throw new InvalidRequestException("only identifier=system|value is supported: " + search);
      }
      String token = URLDecoder.decode(s.substring("identifier=".length()), StandardCharsets.UTF_8);
      int bar = token.indexOf('|');
      if (bar < 0) {
        throw new InvalidRequestException("identifier search needs system|value: " + search);
      }
      return new String[] {token.substring(0, bar), token.substring(bar + 1)};
    }
  }

  /** The plain provider HAPI binds the transaction operation to. */
  public static final class TransactionProvider {
    private final Data data;

    TransactionProvider(Data data) {
      this.data = data;
    }

    @Transaction
    public Bundle transaction(@TransactionParam Bundle in) {
      return data.transaction(in);
    }
  }

  /** Records every request and injects faults before HAPI sees it. */
  final class Faults implements Filter {
    private final AtomicInteger tooMany = new AtomicInteger();
    private final AtomicInteger serverErrors = new AtomicInteger();
    private final AtomicInteger seen = new AtomicInteger();
    private final java.util.Set<Integer> serverErrorAt = ConcurrentHashMap.newKeySet();
    private volatile long delayMillis;
    private volatile int retryAfterSeconds = 1;
    private volatile Predicate<String> tokenCheck;

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
        throws IOException, ServletException {
      HttpServletRequest req = (HttpServletRequest) request;
      HttpServletResponse res = (HttpServletResponse) response;
      byte[] body = req.getInputStream().readAllBytes();
      Map<String, String> headers = new LinkedHashMap<>();
      for (String name : Collections.list(req.getHeaderNames())) {
        headers.put(name.toLowerCase(Locale.ROOT), req.getHeader(name));
      }
      inFlight.incrementAndGet();
      try {
        int status = handle(req, res, body, chain);
        requests.add(
            new RecordedRequest(
                req.getMethod(), req.getRequestURI(), Map.copyOf(headers), body, status));
      } finally {
        inFlight.decrementAndGet();
      }
    }

    private int handle(
        HttpServletRequest req, HttpServletResponse res, byte[] body, FilterChain chain)
        throws IOException, ServletException {
      int number = seen.incrementAndGet();
      long delay = delayMillis;
      if (delay > 0) {
        try {
          Thread.sleep(delay);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while delaying", e);
        }
      }
      if (serverErrorAt.remove(number)) {
        return refuse(res, 500, "simulated internal error (request " + number + ")");
      }
      if (tooMany.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        res.setHeader("Retry-After", Integer.toString(retryAfterSeconds));
        return refuse(res, 429, "too many requests, retry after " + retryAfterSeconds + " s");
      }
      if (serverErrors.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        return refuse(res, 500, "simulated internal error");
      }
      Predicate<String> check = tokenCheck;
      if (check != null) {
        String auth = req.getHeader("Authorization");
        String token =
            auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
                ? auth.substring(7).strip()
                : null;
        if (token == null || !check.test(token)) {
          res.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
          return refuse(res, 401, token == null ? "no bearer token" : "invalid or expired token");
        }
      }
      chain.doFilter(new CachedBody(req, body), res);
      return res.getStatus();
    }

    private int refuse(HttpServletResponse res, int status, String diagnostics) throws IOException {
      res.setStatus(status);
      res.setContentType(JSON);
      res.getOutputStream()
          .write(
              CTX.newJsonParser()
                  .encodeResourceToString(outcome(diagnostics))
                  .getBytes(StandardCharsets.UTF_8));
      return status;
    }
  }

  /** The request with its body already read (the filter records it). */
  private static final class CachedBody extends HttpServletRequestWrapper {
    private final byte[] body;

    CachedBody(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
      ByteArrayInputStream in = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new UnsupportedOperationException("blocking reads only");
        }

        @Override
        public int read() {
          return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
          return in.read(b, off, len);
        }
      };
    }

    @Override
    public BufferedReader getReader() {
      return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
    }
  }
}
