package org.vitalbridge.hl7v2;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.app.Initiator;
import ca.uhn.hl7v2.llp.LLPException;
import ca.uhn.hl7v2.llp.MinLowerLayerProtocol;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.model.Structure;
import ca.uhn.hl7v2.model.v26.message.ORU_R01;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.util.StandardSocketFactory;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.core.model.MeasurementStatus;
import org.vitalbridge.store.DeliveryLoop;
import org.vitalbridge.store.NegativeAcks;
import org.vitalbridge.store.Outbox;
import org.vitalbridge.store.OutboxEntry;
import org.vitalbridge.store.StoredMeasurement;

/**
 * Delivers a destination's outbox to an EHR as IHE PCD-01 ORU^R01 over MLLP, in journal order: one
 * message per raw message and patient/bed/device, on one kept-open connection. AA/CA delivers; AE,
 * AR, CE and CR dead-letter the message with the EHR's ERR texts and record the negative
 * acknowledgment; no answer, a lost connection or an unreadable ACK is retried with the outbox's
 * backoff, with the same MSH-10 so the EHR can recognise the resend. Logs name the destination,
 * control ids, counts and codes, never patients or values.
 */
public final class Hl7Destination implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Hl7Destination.class);
  private static final Duration IDLE_POLL = Duration.ofMillis(50);

  /** Longest nap while the head of the queue backs off, so a dead-letter replay is seen soon. */
  private static final Duration MAX_PAUSE = Duration.ofSeconds(1);

  /**
   * Entries read per round. When the read is full its last raw message may be cut off; it waits for
   * the next round so that a message's content, and so its control id, never depends on it.
   */
  private static final int FETCH = 1000;

  private final Hl7DestinationConfig config;
  private final Outbox outbox;
  private final NegativeAcks negativeAcks;
  private final Pcd01Encoder encoder;
  private final Clock clock;
  private final ExecutorService executor;
  private final HapiContext context;
  private Connection connection;
  private final DeliveryLoop loop;

  public Hl7Destination(
      Hl7DestinationConfig config, Outbox outbox, NegativeAcks negativeAcks, Clock clock) {
    this.config = config;
    this.outbox = outbox;
    this.negativeAcks = negativeAcks;
    this.clock = clock;
    this.loop =
        new DeliveryLoop("vitalbridge-hl7-out-" + config.name(), this::deliverOnce, this::pause);
    this.encoder = new Pcd01Encoder(config, clock);
    this.executor =
        Executors.newCachedThreadPool(daemonThreads("vitalbridge-hl7-" + config.name()));
    this.context = context(executor, config);
  }

  /**
   * Like {@link Hl7Messages}' context, plus MLLP in UTF-8 (HAPI's default is US-ASCII, which turns
   * every non-ASCII character into '?') and an executor of its own: closing a context that uses
   * HAPI's shared default executor shuts it down for every other HAPI user in the process.
   */
  private static HapiContext context(ExecutorService executor, Hl7DestinationConfig config) {
    Duration connectTimeout = config.ackTimeout();
    HapiContext ctx = new DefaultHapiContext(executor);
    ctx.setValidationContext(ValidationContextFactory.noValidation());
    ctx.setModelClassFactory(new CanonicalModelClassFactory("2.6"));
    ctx.getParserConfiguration().setIdGenerator(new InMemoryIDGenerator());
    MinLowerLayerProtocol llp = new MinLowerLayerProtocol(true);
    llp.setCharset(StandardCharsets.UTF_8);
    ctx.setLowerLayerProtocol(llp);
    ctx.setSocketFactory(
        new ConnectTimeoutSocketFactory(
            (int) connectTimeout.toMillis(), config.tlsContext(), config.tlsProtocols()));
    return ctx;
  }

  /** Delivers in the background until closed. */
  public void start() {
    loop.start();
  }

  /** Until the head of the queue is due again, within [IDLE_POLL, MAX_PAUSE]. */
  private Duration pause() {
    Optional<Instant> next = outbox.nextAttempt(config.name());
    if (next.isEmpty()) {
      return IDLE_POLL;
    }
    Duration wait = Duration.between(clock.instant(), next.get());
    if (wait.compareTo(IDLE_POLL) < 0) {
      return IDLE_POLL;
    }
    return wait.compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : wait;
  }

  /**
   * Sends up to {@code maxMessagesPerPoll} messages of due entries, in the caller's thread, and
   * stops at the first that must be retried (head of line: nothing overtakes it). Returns how many
   * entries left the queue, delivered or dead-lettered.
   */
  public synchronized int deliverOnce() {
    List<OutboxEntry> due = outbox.due(config.name(), FETCH);
    int moved = 0;
    int sent = 0;
    for (List<OutboxEntry> message : messages(due, due.size() == FETCH)) {
      if (sent++ == config.maxMessagesPerPoll() || !send(message)) {
        return moved;
      }
      moved += message.size();
    }
    return moved;
  }

  /**
   * One message per raw message and, within it, per patient, bed and device, in queue order. When
   * the read may have cut the last raw message short, that one waits for the next round.
   */
  private static List<List<OutboxEntry>> messages(List<OutboxEntry> due, boolean cutShort) {
    String last = due.isEmpty() ? null : rawOf(due.get(due.size() - 1));
    boolean onlyOne = due.stream().allMatch(e -> rawOf(e).equals(last));
    Map<List<String>, List<OutboxEntry>> groups = new LinkedHashMap<>();
    for (OutboxEntry e : due) {
      StoredMeasurement m = e.measurement();
      if (cutShort && !onlyOne && rawOf(e).equals(last)) {
        continue;
      }
      List<String> key =
          Arrays.asList(rawOf(e), m.subject(), m.location(), m.device(), e.withdrawnFrom());
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
    }
    return new ArrayList<>(groups.values());
  }

  private static String rawOf(OutboxEntry e) {
    return e.measurement().rawId() == null ? "seq:" + e.seq() : e.measurement().rawId();
  }

  /**
   * MSH-10 from what the message says: the same entries give the same id on every retry, so the EHR
   * can drop a resend after a lost ACK; a correction (other patient, bed or status) differs.
   */
  static String controlId(List<OutboxEntry> entries) {
    return controlIdOf(entries.stream().map(e -> e.measurement().toMeasurement()).toList());
  }

  private static String controlIdOf(List<Measurement> measurements) {
    List<String> keys = new ArrayList<>();
    for (Measurement m : measurements) {
      keys.add(m.id() + "|" + m.status().code() + "|" + m.subject() + "|" + m.location());
    }
    keys.sort(null);
    return hashed(String.join("\n", keys));
  }

  /**
   * The id a send uses. A message the EHR refused (its id is among the recorded negative
   * acknowledgments) goes out under a derived id when replayed: an EHR that re-acknowledges a known
   * MSH-10 instead of processing it would otherwise answer the old AE again.
   */
  private String sendingId(List<Measurement> measurements) {
    String base = controlIdOf(measurements);
    String id = base;
    for (int replay = 1; !negativeAcks.find(config.name(), id, null, 1).isEmpty(); replay++) {
      id = hashed(base + "\nreplay " + replay);
    }
    return id;
  }

  private static String hashed(String text) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      byte[] hash = sha256.digest(text.getBytes(StandardCharsets.UTF_8));
      return "VB" + HexFormat.of().withUpperCase().formatHex(hash).substring(0, 20);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }

  /**
   * Sends one message; false when it is to be retried and the round must stop. Measurements moved
   * to another patient after the EHR had them are first withdrawn from the earlier patient's chart
   * (OBX-11 W under that patient's PID): the EHR files results per patient, so the corrected
   * message for the new patient alone would leave them on the wrong chart.
   */
  private boolean send(List<OutboxEntry> entries) {
    String previous = entries.get(0).withdrawnFrom();
    if (previous != null) {
      List<Measurement> withdrawn =
          entries.stream().map(e -> withdrawal(e.measurement().toMeasurement(), previous)).toList();
      Sent withdrawal = transmit(entries, withdrawn, "withdrawal from the previous patient: ");
      if (withdrawal != Sent.ACCEPTED) {
        return withdrawal == Sent.SETTLED;
      }
    }
    List<Measurement> current = entries.stream().map(e -> e.measurement().toMeasurement()).toList();
    Sent sent = transmit(entries, current, "");
    if (sent == Sent.ACCEPTED) {
      outbox.delivered(entries);
    }
    return sent != Sent.RETRY;
  }

  /** What became of one transmission. */
  private enum Sent {
    /** AA/CA: the caller decides when the entries count as delivered. */
    ACCEPTED,
    /** Refused or unencodable: the entries were dead-lettered. */
    SETTLED,
    /** Not answered: the entries were rescheduled and the round must stop. */
    RETRY
  }

  /** The measurement as the previous patient's chart holds it, marked wrong (W). */
  private static Measurement withdrawal(Measurement m, String previousSubject) {
    return new Measurement(
        m.id(),
        m.device(),
        previousSubject,
        m.location(),
        m.metric(),
        m.value(),
        m.observedAt(),
        m.receivedAt(),
        MeasurementStatus.ENTERED_IN_ERROR,
        m.flags(),
        m.provenance(),
        m.containment());
  }

  private Sent transmit(List<OutboxEntry> entries, List<Measurement> measurements, String what) {
    String controlId = sendingId(measurements);
    ORU_R01 oru;
    try {
      oru = encoder.encode(measurements, controlId);
    } catch (HL7Exception | IllegalArgumentException e) {
      log.error(
          "HL7 destination {}: message {} cannot be encoded, {} measurements dead-lettered",
          config.name(),
          controlId,
          entries.size());
      outbox.deadLetter(entries, what + "cannot encode as PCD-01: " + e.getMessage());
      return Sent.SETTLED;
    }
    Message response;
    try {
      response = initiator().sendAndReceive(oru);
    } catch (ConnectFailure | HL7Exception | LLPException | IOException | RuntimeException e) {
      retry(entries, controlId, e);
      return Sent.RETRY;
    }
    Acknowledgment ack;
    try {
      ack = Acknowledgment.of(response);
    } catch (HL7Exception e) {
      retry(entries, controlId, e);
      return Sent.RETRY;
    }
    return answered(entries, controlId, ack, what);
  }

  private Sent answered(
      List<OutboxEntry> entries, String controlId, Acknowledgment ack, String what) {
    switch (ack.code()) {
      case "AA", "CA" -> {
        log.debug(
            "HL7 destination {}: {} accepted, {} measurements",
            config.name(),
            controlId,
            entries.size());
        return Sent.ACCEPTED;
      }
      case "AE", "AR", "CE", "CR" -> {
        log.warn(
            "HL7 destination {}: {} answered {} (ERR-3 {}), {} measurements dead-lettered",
            config.name(),
            controlId,
            ack.code(),
            ack.errors().stream().map(NegativeAcks.Error::code).toList(),
            entries.size());
        // Recorded first: should the process die in between, the resend gets a fresh id.
        negativeAcks.record(
            NegativeAcks.OUTBOUND, config.name(), controlId, ack.code(), ack.errors(), null);
        outbox.deadLetter(entries, what + ack.reason());
        return Sent.SETTLED;
      }
      default -> {
        retry(entries, controlId, new HL7Exception("acknowledgment code '" + ack.code() + "'"));
        return Sent.RETRY;
      }
    }
  }

  /**
   * Reschedules the message and drops the connection: after a timeout a late ACK must not be taken
   * for the resend's, and a half-dead connection is cheaper to replace than to diagnose.
   */
  private void retry(List<OutboxEntry> entries, String controlId, Exception e) {
    disconnect();
    String why = why(e);
    log.warn(
        "HL7 destination {}: {} not acknowledged ({}), {} measurements will be retried",
        config.name(),
        controlId,
        why,
        entries.size());
    outbox.failed(entries, why + ": " + e.getMessage());
  }

  /** The kind of failure without the exception text, which may quote the EHR's answer. */
  private String why(Exception e) {
    if (e instanceof ConnectFailure) {
      return "cannot connect to " + config.host() + ":" + config.port();
    }
    if (e instanceof IOException || e instanceof LLPException) {
      return "connection lost";
    }
    // HAPI's initiator reports a missing answer, and an interrupted wait, only by this text.
    if (e instanceof HL7Exception && String.valueOf(e.getMessage()).startsWith("Timeout")) {
      return "no acknowledgment within " + config.ackTimeout();
    }
    return e instanceof HL7Exception ? "unreadable acknowledgment" : e.getClass().getSimpleName();
  }

  private Initiator initiator() throws ConnectFailure {
    if (connection == null || !connection.isOpen()) {
      disconnect();
      try {
        connection = context.newClient(config.host(), config.port(), config.tls());
      } catch (HL7Exception e) {
        throw new ConnectFailure(e);
      }
    }
    Initiator initiator = connection.getInitiator();
    initiator.setTimeout(config.ackTimeout().toMillis(), TimeUnit.MILLISECONDS);
    return initiator;
  }

  /** HAPI's hub notices the closed connection and opens a new one on the next send. */
  private void disconnect() {
    if (connection != null) {
      try {
        connection.close();
      } catch (IOException e) {
        log.debug("HL7 destination {}: closing the connection: {}", config.name(), e.getMessage());
      }
      connection = null;
    }
  }

  @Override
  public void close() {
    loop.close();
    synchronized (this) {
      disconnect();
    }
    try {
      context.close();
    } catch (IOException e) {
      log.debug("HL7 destination {}: closing HAPI: {}", config.name(), e.getMessage());
    }
    executor.shutdownNow();
  }

  private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * MSA-1, the ERR segments and MSA-3 of an acknowledgment.
   *
   * @param reason what the dead letter says: the code and the EHR's texts
   */
  record Acknowledgment(String code, List<NegativeAcks.Error> errors, String reason) {
    static Acknowledgment of(Message ack) throws HL7Exception {
      Terser terser = new Terser(ack);
      List<NegativeAcks.Error> errors = new ArrayList<>();
      List<String> texts = new ArrayList<>();
      for (Structure s : ack.getAll("ERR")) {
        NegativeAcks.Error e = error((Segment) s);
        errors.add(e);
        texts.addAll(present(String.join(" ", present(e.location(), e.code(), e.text()))));
      }
      texts = texts.isEmpty() ? present(terser.get("/MSA-3")) : texts;
      String code = Objects.requireNonNullElse(terser.get("/MSA-1"), "");
      String reason = code + ": " + (texts.isEmpty() ? "no error text" : String.join("; ", texts));
      return new Acknowledgment(code, List.copyOf(errors), reason);
    }

    /**
     * ERR-2 location as SEG^sequence^field, ERR-3 code, ERR-8 user message (else ERR-7, the ERR-3
     * text); before v2.5 all of it sat in ERR-1.
     */
    private static NegativeAcks.Error error(Segment err) throws HL7Exception {
      boolean old = Terser.get(err, 2, 0, 1, 1) == null && Terser.get(err, 3, 0, 1, 1) == null;
      int at = old ? 1 : 2;
      String location =
          String.join(
              "^",
              present(
                  Terser.get(err, at, 0, 1, 1),
                  Terser.get(err, at, 0, 2, 1),
                  Terser.get(err, at, 0, 3, 1)));
      String code = old ? Terser.get(err, 1, 0, 4, 1) : Terser.get(err, 3, 0, 1, 1);
      List<String> texts =
          old
              ? present(Terser.get(err, 1, 0, 4, 2))
              : present(
                  Terser.get(err, 8, 0, 1, 1),
                  Terser.get(err, 7, 0, 1, 1),
                  Terser.get(err, 3, 0, 2, 1));
      return new NegativeAcks.Error(
          location, Objects.requireNonNullElse(code, ""), texts.isEmpty() ? "" : texts.get(0));
    }

    private static List<String> present(String... parts) {
      List<String> out = new ArrayList<>();
      for (String p : parts) {
        if (p != null && !p.isBlank()) {
          out.add(p);
        }
      }
      return out;
    }
  }

  /** The EHR could not be reached (refused, unresolvable, connect timeout). */
  private static final class ConnectFailure extends Exception {
    ConnectFailure(HL7Exception cause) {
      super(cause.getCause() != null ? cause.getCause().toString() : cause.getMessage(), cause);
    }
  }

  /**
   * HAPI connects without a timeout, so a host that drops SYNs would hold the destination for
   * minutes; plain sockets here give up after the ACK timeout. TLS sockets keep HAPI's path.
   */
  private static final class ConnectTimeoutSocketFactory extends StandardSocketFactory {
    private final int timeoutMillis;
    private final javax.net.ssl.SSLContext tls;
    private final String[] protocols;

    ConnectTimeoutSocketFactory(
        int timeoutMillis, javax.net.ssl.SSLContext tls, List<String> protocols) {
      this.timeoutMillis = timeoutMillis;
      this.tls = tls;
      this.protocols = protocols.toArray(String[]::new);
    }

    /**
     * TLS with the configured context (the JVM's default without one), only the configured
     * versions, and the EHR's host name checked against its certificate.
     */
    @Override
    public Socket createTlsSocket() throws IOException {
      javax.net.ssl.SSLSocketFactory factory =
          tls == null
              ? (javax.net.ssl.SSLSocketFactory) javax.net.ssl.SSLSocketFactory.getDefault()
              : tls.getSocketFactory();
      javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) factory.createSocket();
      javax.net.ssl.SSLParameters p = socket.getSSLParameters();
      p.setProtocols(protocols);
      p.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(p);
      return socket;
    }

    @Override
    public Socket createSocket() {
      return new Socket() {
        @Override
        public void connect(SocketAddress endpoint) throws IOException {
          connect(endpoint, timeoutMillis);
        }
      };
    }
  }
}
