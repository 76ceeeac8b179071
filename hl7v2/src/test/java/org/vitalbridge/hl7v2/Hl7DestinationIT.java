package org.vitalbridge.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import ca.uhn.hl7v2.AcknowledgmentCode;
import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.HL7Service;
import ca.uhn.hl7v2.llp.MinLowerLayerProtocol;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v26.message.ACK;
import ca.uhn.hl7v2.model.v26.segment.ERR;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.protocol.MetadataKeys;
import ca.uhn.hl7v2.protocol.ReceivingApplication;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.vitalbridge.core.harmonize.Harmonizer;
import org.vitalbridge.core.harmonize.HarmonizerSettings;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.core.terminology.TerminologyLoader;
import org.vitalbridge.core.testkit.MutableClock;
import org.vitalbridge.core.units.UnitResolver;
import org.vitalbridge.store.NegativeAcks;
import org.vitalbridge.store.Outbox;
import org.vitalbridge.store.RetentionPolicy;
import org.vitalbridge.store.Store;
import org.vitalbridge.store.StoreConfig;

/** PCD-01 out over real MLLP sockets to a fake EHR (HAPI's server), driven by a real store. */
class Hl7DestinationIT {
  private static final MessageProcessor PROCESSOR =
      new MessageProcessor(
          List.of(new Pcd01Decoder()),
          new Harmonizer(
              TerminologyLoader.shipped(), UnitResolver.shipped(), HarmonizerSettings.DEFAULTS));
  private static final Instant NOW = Instant.parse("2026-11-24T10:16:00Z");

  /** Past any backoff the outbox can choose (at most five minutes). */
  private static final Duration PAST_BACKOFF = Duration.ofMinutes(10);

  @TempDir Path tmp;
  final MutableClock clock = new MutableClock(NOW);
  Store store;
  Outbox outbox;
  int port;
  FakeEhr ehr;
  Hl7Destination destination;
  ListAppender<ILoggingEvent> logs;

  @BeforeEach
  void open() throws IOException {
    store =
        Store.open(
            StoreConfig.sqlite(tmp.resolve("vb.db")).withDestinations(List.of("hl7")),
            PROCESSOR,
            clock,
            new RetentionPolicy(null, null, 0, 0));
    outbox = store.outbox();
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
  }

  @AfterEach
  void close() {
    if (destination != null) {
      destination.close();
    }
    if (ehr != null) {
      ehr.close();
    }
    store.close();
    if (logs != null) {
      ch.qos.logback.classic.Logger logger = destinationLogger();
      logger.detachAppender(logs);
      logger.setLevel(null);
    }
  }

  @Test
  void anAcceptedMessageIsDeliveredAndTheEhrGetsTheObxTreeOnOneKeptConnection() throws Exception {
    ehr = FakeEhr.start(port);
    destination = destination(Duration.ofSeconds(10));
    feed("oru-containment.hl7");

    assertThat(destination.deliverOnce()).isEqualTo(2);

    assertThat(outbox.backlog("hl7")).isZero();
    assertThat(ehr.received)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.er7())
                  .startsWith(
                      "MSH|^~\\&|VitalBridge||EHR|HOSP|20261124101600+0000||ORU^R01^ORU_R01|VB");
              assertThat(r.er7())
                  .contains("\rPID|1||12345^^^Hospital^PI\r")
                  .contains("\rPV1||I|ICU^301^1\r");
              assertThat(obx(r.er7()))
                  .containsExactly(
                      "69965 1.0.0.0",
                      "69642 1.1.0.0",
                      "70675 1.1.1.0",
                      "150456 1.1.1.1 98 %^%^UCUM",
                      "69798 1.2.0.0",
                      "150021 1.2.1.1 120 mm[Hg]^mm[Hg]^UCUM");
            });

    feed("oru-mixed.hl7");
    assertThat(destination.deliverOnce()).isEqualTo(3);

    assertThat(ehr.received).hasSize(2);
    assertThat(ehr.received.get(1).senderPort()).isEqualTo(ehr.received.get(0).senderPort());
  }

  @Test
  void aStartedDestinationDeliversInTheBackground() throws Exception {
    ehr = FakeEhr.start(port);
    destination = destination(Duration.ofSeconds(10));
    destination.start();

    feed("oru-mixed.hl7");

    await(() -> outbox.backlog("hl7") == 0);
    assertThat(ehr.received).hasSize(1);
  }

  @Test
  void anApplicationErrorIsDeadLetteredWithTheEhrsErrorsAndRecordedWithoutPhiInTheLog()
      throws Exception {
    logs = captureLogs();
    ehr = FakeEhr.start(port);
    ehr.replies.add(Reply.error("AE", "OBX^2^5", "102", "value out of the EHR's range"));
    destination = destination(Duration.ofSeconds(10));
    feed("oru-mixed.hl7");

    assertThat(destination.deliverOnce()).isEqualTo(3);

    assertThat(outbox.backlog("hl7")).isZero();
    assertThat(outbox.deadLetters("hl7", 10))
        .hasSize(3)
        .allSatisfy(
            d -> assertThat(d.reason()).isEqualTo("AE: OBX^2^5 102 value out of the EHR's range"));
    String controlId = ehr.received.get(0).controlId();
    assertThat(store.negativeAcks().find("hl7", controlId, null, 10))
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.direction()).isEqualTo(NegativeAcks.OUTBOUND);
              assertThat(n.code()).isEqualTo("AE");
              assertThat(n.rawId()).isNull();
              assertThat(n.errors())
                  .containsExactly(
                      new NegativeAcks.Error("OBX^2^5", "102", "value out of the EHR's range"));
            });
    assertThat(logs.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .anySatisfy(line -> assertThat(line).contains(controlId).contains("AE"))
        .noneSatisfy(line -> assertThat(line).containsAnyOf("12345", "ICU", "Doe", "range"));
  }

  @Test
  void aRejectIsDeadLetteredAndRecordedLikewise() throws Exception {
    ehr = FakeEhr.start(port);
    ehr.replies.add(Reply.error("AR", "MSH^1^12", "203", "version 2.6 not accepted here"));
    destination = destination(Duration.ofSeconds(10));
    feed("oru-mixed.hl7");

    assertThat(destination.deliverOnce()).isEqualTo(3);

    assertThat(outbox.deadLetters("hl7", 10))
        .extracting(Outbox.DeadLetter::reason)
        .containsOnly("AR: MSH^1^12 203 version 2.6 not accepted here");
    assertThat(store.negativeAcks().find("hl7", ehr.received.get(0).controlId(), null, 10))
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.code()).isEqualTo("AR");
              assertThat(n.errors()).extracting(NegativeAcks.Error::code).containsExactly("203");
            });
  }

  @Test
  void aNegativeAcknowledgmentWithoutErrSegmentsIsExplainedByMsa3() throws Exception {
    ehr = FakeEhr.start(port);
    ehr.replies.add(Reply.text("CR", "interface paused"));
    destination = destination(Duration.ofSeconds(10));
    feed("oru-mixed.hl7");

    assertThat(destination.deliverOnce()).isEqualTo(3);

    assertThat(outbox.deadLetters("hl7", 10))
        .extracting(Outbox.DeadLetter::reason)
        .containsOnly("CR: interface paused");
    assertThat(store.negativeAcks().find("hl7", null, null, 10))
        .singleElement()
        .satisfies(n -> assertThat(n.errors()).isEmpty());
  }

  @Test
  void anEhrThatIsNotListeningIsRetriedAfterTheBackoffWithTheSameControlId() throws Exception {
    destination = destination(Duration.ofSeconds(10));
    feed("oru-mixed.hl7");
    String controlId = Hl7Destination.controlId(outbox.due("hl7", 10));

    assertThat(destination.deliverOnce()).isZero();

    assertThat(outbox.backlog("hl7")).isEqualTo(3);
    assertThat(outbox.due("hl7", 10)).isEmpty();
    ehr = FakeEhr.start(port);
    assertThat(destination.deliverOnce()).isZero();
    assertThat(ehr.received).isEmpty();

    clock.advance(PAST_BACKOFF);
    assertThat(destination.deliverOnce()).isEqualTo(3);

    assertThat(ehr.received).extracting(Received::controlId).containsExactly(controlId);
    assertThat(outbox.backlog("hl7")).isZero();
  }

  @Test
  void anEhrThatNeverAnswersTimesOutAndEverythingIsResentInOrderWithTheSameControlIds()
      throws Exception {
    ehr = FakeEhr.start(port);
    ehr.replies.add(Reply.SILENT);
    destination = destination(Duration.ofMillis(500));
    feed("oru-containment.hl7");
    feed("oru-mixed.hl7");

    assertThat(destination.deliverOnce()).isZero();

    await(() -> ehr.received.size() == 1);
    assertThat(outbox.backlog("hl7")).isEqualTo(5);
    assertThat(outbox.due("hl7", 10)).isEmpty();

    clock.advance(PAST_BACKOFF);
    assertThat(destination.deliverOnce()).isEqualTo(5);

    List<String> ids = ehr.received.stream().map(Received::controlId).toList();
    assertThat(ids).hasSize(3);
    assertThat(ids.get(1)).isEqualTo(ids.get(0));
    assertThat(ids.get(2)).isNotEqualTo(ids.get(0));
    assertThat(ehr.received.get(2).er7())
        .contains("150021^MDC_PRESS_BLD_NONINV_SYS^MDC|1.0.0.3|120");
  }

  @Test
  void anEhrRestartBetweenMessagesCostsARetryNotAMessage() throws Exception {
    ehr = FakeEhr.start(port);
    destination = destination(Duration.ofSeconds(1));
    feed("oru-containment.hl7");
    assertThat(destination.deliverOnce()).isEqualTo(2);

    ehr.close();
    ehr = FakeEhr.start(port);
    feed("oru-mixed.hl7");
    for (int round = 0; round < 3 && outbox.backlog("hl7") > 0; round++) {
      destination.deliverOnce();
      clock.advance(PAST_BACKOFF);
    }

    assertThat(outbox.backlog("hl7")).isZero();
    assertThat(ehr.received)
        .singleElement()
        .satisfies(r -> assertThat(r.er7()).contains("MDC_ECG_HEART_RATE"));
  }

  @Test
  void aReplayedDeadLetterIsDelivered() throws Exception {
    ehr = FakeEhr.start(port);
    ehr.replies.add(Reply.error("AE", "PID^1^3", "204", "unknown patient"));
    destination = destination(Duration.ofSeconds(10));
    feed("oru-mixed.hl7");
    assertThat(destination.deliverOnce()).isEqualTo(3);
    assertThat(outbox.deadLetters("hl7", 10)).hasSize(3);

    assertThat(outbox.replayDeadLetters("hl7")).isEqualTo(3);
    assertThat(destination.deliverOnce()).isEqualTo(3);

    assertThat(outbox.deadLetters("hl7", 10)).isEmpty();
    assertThat(outbox.backlog("hl7")).isZero();
    // The EHR refused the first id; the replay is a new message to it, not a resend it may dedupe.
    assertThat(ehr.received).extracting(Received::controlId).hasSize(2).doesNotHaveDuplicates();
    assertThat(store.negativeAcks().find("hl7", ehr.received.get(0).controlId(), null, 10))
        .hasSize(1);
  }

  private Hl7Destination destination(Duration ackTimeout) {
    return new Hl7Destination(
        new Hl7DestinationConfig(
            "hl7",
            "localhost",
            port,
            false,
            "EHR",
            "HOSP",
            "VitalBridge",
            "Hospital",
            ackTimeout,
            10),
        outbox,
        store.negativeAcks(),
        clock);
  }

  private void feed(String fixture) throws Exception {
    byte[] payload = Files.readAllBytes(Path.of("src/test/resources/pcd01/" + fixture));
    store
        .journal()
        .append(
            new RawMessage(
                "raw-" + fixture, payload, Hl7Messages.CONTENT_TYPE, "mllp", "test", null, NOW))
        .get(30, TimeUnit.SECONDS);
    store.pipeline().drain();
  }

  /** OBX-3.1, OBX-4, OBX-5 and OBX-6 of each OBX row. */
  private static List<String> obx(String er7) {
    return Arrays.stream(er7.split("\r"))
        .filter(s -> s.startsWith("OBX|"))
        .map(s -> s.split("\\|", -1))
        .map(f -> String.join(" ", f[3].split("\\^")[0], f[4], f[5], f[6]).strip())
        .toList();
  }

  private static ch.qos.logback.classic.Logger destinationLogger() {
    return (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Hl7Destination.class);
  }

  private static ListAppender<ILoggingEvent> captureLogs() {
    ch.qos.logback.classic.Logger logger = destinationLogger();
    logger.setLevel(Level.DEBUG);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    return appender;
  }

  /** Waits for something another thread does; the deadline only bounds a failing test. */
  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("condition not met within 30 s");
      }
      Thread.sleep(20);
    }
  }

  /** One message as the EHR received it. */
  record Received(String controlId, String er7, Object senderPort) {}

  /** How the EHR answers one message: an ACK code with an optional ERR, MSA-3, or silence. */
  record Reply(String code, String location, String errorCode, String text, boolean silent) {
    static final Reply SILENT = new Reply(null, null, null, null, true);

    static Reply error(String code, String location, String errorCode, String text) {
      return new Reply(code, location, errorCode, text, false);
    }

    static Reply text(String code, String msa3) {
      return new Reply(code, null, null, msa3, false);
    }

    Message ack(Message message) throws HL7Exception, IOException {
      ACK ack = (ACK) message.generateACK(AcknowledgmentCode.valueOf(code), null);
      if (errorCode != null) {
        ERR err = ack.getERR(0);
        String[] loc = location.split("\\^");
        err.getErrorLocation(0).getSegmentID().setValue(loc[0]);
        err.getErrorLocation(0).getSegmentSequence().setValue(loc[1]);
        err.getErrorLocation(0).getFieldPosition().setValue(loc[2]);
        err.getHL7ErrorCode().getIdentifier().setValue(errorCode);
        err.getHL7ErrorCode().getNameOfCodingSystem().setValue("HL70357");
        err.getSeverity().setValue("E");
        err.getUserMessage().setValue(text);
      } else if (text != null) {
        ack.getMSA().getTextMessage().setValue(text);
      }
      return ack;
    }
  }

  /**
   * An EHR interface: HAPI's MLLP server answering each message with the next scripted reply (AA
   * when none is left), recording what arrived.
   */
  static final class FakeEhr implements ReceivingApplication<Message>, AutoCloseable {
    final List<Received> received = new CopyOnWriteArrayList<>();
    final Queue<Reply> replies = new ConcurrentLinkedQueue<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final HapiContext context = new DefaultHapiContext(executor);
    private HL7Service server;

    static FakeEhr start(int port) throws InterruptedException {
      FakeEhr ehr = new FakeEhr();
      ehr.context.setValidationContext(ValidationContextFactory.noValidation());
      ehr.context.setModelClassFactory(new CanonicalModelClassFactory("2.6"));
      ehr.context.getParserConfiguration().setIdGenerator(new InMemoryIDGenerator());
      MinLowerLayerProtocol llp = new MinLowerLayerProtocol(true);
      llp.setCharset(StandardCharsets.UTF_8);
      ehr.context.setLowerLayerProtocol(llp);
      ehr.server = ehr.context.newServer(port, false);
      ehr.server.registerApplication(ehr);
      ehr.server.startAndWait();
      return ehr;
    }

    @Override
    public Message processMessage(Message message, Map<String, Object> metadata)
        throws HL7Exception {
      received.add(
          new Received(
              new Terser(message).get("/MSH-10"),
              (String) metadata.get(MetadataKeys.IN_RAW_MESSAGE),
              metadata.get(MetadataKeys.IN_SENDING_PORT)));
      Reply reply = replies.poll();
      try {
        if (reply != null && reply.silent()) {
          closing.await();
          return null;
        }
        return (reply == null ? Reply.text("AA", null) : reply).ack(message);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new HL7Exception("interrupted");
      } catch (IOException e) {
        throw new HL7Exception(e);
      }
    }

    @Override
    public boolean canProcess(Message message) {
      return true;
    }

    @Override
    public void close() {
      closing.countDown();
      server.stopAndWait();
      try {
        context.close();
      } catch (IOException e) {
        // the test is over
      }
      executor.shutdownNow();
    }
  }
}
