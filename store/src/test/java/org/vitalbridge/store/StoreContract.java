package org.vitalbridge.store;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.vitalbridge.store.TestPipeline.MDC_HEART_RATE;
import static org.vitalbridge.store.TestPipeline.MDC_SPO2;
import static org.vitalbridge.store.TestPipeline.payload;
import static org.vitalbridge.store.TestPipeline.raw;
import static org.vitalbridge.store.TestPipeline.spo2;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.core.testkit.MutableClock;

/**
 * The behaviour every store backend must show: journal durability and idempotence, processing into
 * measurements and quarantine, replay without duplicates, outboxes, reprocessing, retention,
 * longitudinal queries, associations and concurrency. Subclasses supply a fresh database.
 */
abstract class StoreContract {
  static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
  static final Instant FAR_PAST = Instant.parse("2000-01-01T00:00:00Z");
  static final Instant FAR_FUTURE = Instant.parse("2100-01-01T00:00:00Z");
  static final RetentionPolicy KEEP_ALL = new RetentionPolicy(null, null, 0, 0);

  @TempDir Path tmp;

  final MutableClock clock = new MutableClock(NOW);
  private final List<Store> opened = new ArrayList<>();

  /** A configuration pointing at this test's own fresh, empty database. */
  protected abstract StoreConfig config();

  /** Runs after every store the test opened is closed (drop the test's database here). */
  protected void cleanUp() throws Exception {}

  @AfterEach
  final void closeStores() throws Exception {
    try {
      for (Store s : opened) {
        s.close();
      }
    } finally {
      opened.clear();
      cleanUp();
    }
  }

  Store open() {
    return open(config(), KEEP_ALL);
  }

  Store open(StoreConfig config, RetentionPolicy policy) {
    Store s = Store.open(config, TestPipeline.standard(), clock, policy);
    opened.add(s);
    return s;
  }

  Store openWithDestinations(String... destinations) {
    return open(config().withDestinations(List.of(destinations)), KEEP_ALL);
  }

  static void appendAll(Store store, RawMessage... messages) throws Exception {
    appendAll(store, Arrays.asList(messages));
  }

  static void appendAll(Store store, List<RawMessage> messages) throws Exception {
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    for (RawMessage m : messages) {
      futures.add(store.journal().append(m));
    }
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, SECONDS);
  }

  static MeasurementQuery all() {
    return new MeasurementQuery(null, null, null, FAR_PAST, FAR_FUTURE, 100_000);
  }

  static MeasurementQuery byDevice(String device) {
    return new MeasurementQuery(null, device, null, FAR_PAST, FAR_FUTURE, 100_000);
  }

  long rawCount(String id) throws SQLException {
    return TestDb.scalar(config(), "SELECT COUNT(*) FROM raw_message WHERE id = ?", id);
  }

  long rawSeq(String id) throws SQLException {
    return TestDb.scalar(config(), "SELECT seq FROM raw_message WHERE id = ?", id);
  }

  String rawState(String id) throws SQLException {
    return TestDb.strings(config(), "SELECT state FROM raw_message WHERE id = ?", id).get(0);
  }

  long count(String sql) throws SQLException {
    return TestDb.scalar(config(), sql);
  }

  List<String> rawIds() throws SQLException {
    return TestDb.strings(config(), "SELECT id FROM raw_message ORDER BY seq");
  }

  long maxSeq() throws SQLException {
    return count("SELECT COALESCE(MAX(seq), 0) FROM raw_message");
  }

  static List<String> rawIdsOf(List<OutboxEntry> entries) {
    return entries.stream().map(e -> e.measurement().rawId()).toList();
  }

  /** Marks delivered the outbox entries of {@code destination} that came from these raw ids. */
  static void deliver(Store store, String destination, String... rawIds) {
    Set<String> wanted = Set.of(rawIds);
    List<OutboxEntry> entries =
        store.outbox().due(destination, 10_000).stream()
            .filter(e -> wanted.contains(e.measurement().rawId()))
            .toList();
    assertThat(rawIdsOf(entries)).containsExactlyInAnyOrder(rawIds);
    store.outbox().delivered(entries);
  }

  // ---------------------------------------------------------------- journal

  @Test
  void appendCompletesOnlyOnceTheRowIsCommittedAndReadable() throws Exception {
    Store store = open();
    RawMessage m = spo2("append-1", "D1", T0, 97);

    // Checked from an independent connection at the moment the future completes: the row must be
    // committed by then (acknowledged = on disk).
    CompletableFuture<Long> visibleOnCompletion =
        store
            .journal()
            .append(m)
            .thenApply(
                v -> {
                  try {
                    return rawCount(m.id());
                  } catch (SQLException e) {
                    throw new IllegalStateException(e);
                  }
                });

    assertThat(visibleOnCompletion.get(10, SECONDS)).isEqualTo(1L);
    assertThat(store.retention().usage().rawCount()).isEqualTo(1);
    StoredRaw stored = store.quarantine().raw(rawSeq(m.id())).orElseThrow();
    assertThat(stored.message()).isEqualTo(m);
    assertThat(stored.message().payload()).isEqualTo(m.payload());
    assertThat(stored.state()).isEqualTo("pending");
  }

  @Test
  void appendingTheSameMessageIdTwiceStoresItOnce() throws Exception {
    Store store = open();
    RawMessage first = spo2("dup-1", "D1", T0, 97);
    RawMessage retransmit = spo2("dup-1", "D1", T0.plusSeconds(5), 98);

    CompletableFuture<Void> a = store.journal().append(first);
    a.get(10, SECONDS);
    CompletableFuture<Void> b = store.journal().append(retransmit);
    b.get(10, SECONDS);
    appendAll(store, first, retransmit, first);

    assertThat(rawCount("dup-1")).isEqualTo(1);
    assertThat(store.retention().usage().rawCount()).isEqualTo(1);
    assertThat(store.quarantine().raw(rawSeq("dup-1")).orElseThrow().message()).isEqualTo(first);
    assertThat(store.pipeline().drain()).isEqualTo(1);
    assertThat(store.measurements().find(all()))
        .singleElement()
        .satisfies(s -> assertThat(s.value()).isEqualTo("97"));
  }

  @Test
  void oversizedPayloadFailsBeforeJournaling() throws Exception {
    Store store = open(config().withMaxPayloadBytes(200), KEEP_ALL);
    String base = payload("D1", T0, "SpO2", "97", "%");
    RawMessage tooBig = raw("big-1", base + " ".repeat(201 - base.length()), T0);
    RawMessage atLimit = raw("limit-1", base + " ".repeat(200 - base.length()), T0);
    assertThat(tooBig.size()).isEqualTo(201);
    assertThat(atLimit.size()).isEqualTo(200);

    CompletableFuture<Void> refused = store.journal().append(tooBig);

    assertThat(refused).isCompletedExceptionally();
    assertThatThrownBy(() -> refused.get(1, SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            PayloadTooLargeException.class,
            e -> {
              assertThat(e.size()).isEqualTo(201);
              assertThat(e.limit()).isEqualTo(200);
              assertThat(e.getMessage()).contains("201").contains("200");
            });
    assertThat(store.retention().usage().rawCount()).isZero();
    assertThat(rawCount("big-1")).isZero();

    store.journal().append(atLimit).get(10, SECONDS);
    assertThat(rawCount("limit-1")).isEqualTo(1);
    assertThat(store.retention().usage().rawCount()).isEqualTo(1);
  }

  @Test
  void appendingToAClosedStoreFailsInsteadOfPretendingToCommit() throws Exception {
    Store store = open();
    store.close();

    CompletableFuture<Void> late = store.journal().append(spo2("late-1", "D1", T0, 97));

    assertThatThrownBy(() -> late.get(10, SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("closed");
    assertThat(rawCount("late-1")).isZero();
  }

  @Test
  void dataAndPipelinePositionSurviveCloseAndReopen() throws Exception {
    Store first = open();
    appendAll(first, spo2("p-1", "D1", T0, 95), spo2("p-2", "D1", T0.plusSeconds(60), 96));
    assertThat(first.pipeline().drain()).isEqualTo(2);
    first.close();

    Store second = open();
    appendAll(second, spo2("p-3", "D1", T0.plusSeconds(120), 97));
    assertThat(second.pipeline().drain()).as("resumes after the saved cursor").isEqualTo(1);
    assertThat(second.measurements().count()).isEqualTo(3);
    assertThat(second.pipeline().position()).isEqualTo(maxSeq());
  }

  // ---------------------------------------------------------------- pipeline

  @Test
  void drainTurnsGoodPayloadsIntoCanonicalMeasurements() throws Exception {
    Store store = open();
    RawMessage spo2 = spo2("good-1", "D1", T0, 97);
    RawMessage hr =
        raw("good-2", payload("D1", T0.plusSeconds(60), "HR", "72", "bpm"), T0.plusSeconds(61));
    RawMessage decimal =
        raw("good-3", payload("D2", T0, "SpO2", "95.50", "%", "ICU-2"), T0.plusSeconds(2));
    appendAll(store, spo2, hr, decimal);

    assertThat(store.pipeline().drain()).isEqualTo(3);
    assertThat(store.pipeline().drain()).isZero();
    assertThat(store.pipeline().position()).isEqualTo(maxSeq());

    List<StoredMeasurement> d1 = store.measurements().find(byDevice("D1"));
    assertThat(d1).hasSize(2);
    StoredMeasurement s = d1.get(0);
    assertThat(s.id()).isEqualTo(TestPipeline.expectedId("D1", MDC_SPO2, T0, "97", "%"));
    assertThat(s.device()).isEqualTo("D1");
    assertThat(s.subject()).isNull();
    assertThat(s.location()).isNull();
    assertThat(s.mdc()).isEqualTo(MDC_SPO2);
    assertThat(s.refId()).isEqualTo("MDC_PULS_OXIM_SAT_O2");
    assertThat(s.loinc()).isEqualTo("59408-5");
    assertThat(s.valueKind()).isEqualTo("quantity");
    assertThat(s.value()).isEqualTo("97");
    assertThat(s.unit()).isEqualTo("%");
    assertThat(s.observedAt()).isEqualTo(T0);
    assertThat(s.receivedAt()).isEqualTo(T0.plusSeconds(1));
    assertThat(s.status()).isEqualTo("final");
    assertThat(s.flags()).isEmpty();
    assertThat(s.rawId()).isEqualTo("good-1");
    assertThat(s.mapping()).isEqualTo(TestPipeline.MAPPING);

    StoredMeasurement h = d1.get(1);
    assertThat(h.mdc()).isEqualTo(MDC_HEART_RATE);
    assertThat(h.value()).isEqualTo("72");
    assertThat(h.unit()).as("vendor unit bpm stored as canonical UCUM").isEqualTo("/min");
    assertThat(h.observedAt()).isEqualTo(T0.plusSeconds(60));
    assertThat(h.id())
        .isEqualTo(TestPipeline.expectedId("D1", MDC_HEART_RATE, h.observedAt(), "72", "/min"));

    StoredMeasurement d = store.measurements().find(byDevice("D2")).get(0);
    assertThat(d.value()).isEqualTo("95.5");
    assertThat(d.location()).isEqualTo("ICU-2");
    assertThat(store.measurements().byId(d.id())).contains(d);
    assertThat(store.measurements().byId(UUID.randomUUID())).isEmpty();

    assertThat(rawState("good-1")).isEqualTo("processed");
    assertThat(count("SELECT COUNT(*) FROM raw_message WHERE processed_at IS NULL")).isZero();
    assertThat(store.quarantine().openCount()).isZero();
  }

  @Test
  void codedAndTextValuesComeBackFromTheStoreAsTheyWent() throws Exception {
    Store store = open();
    String mdc = "urn:iso:std:iso:11073:10101";
    appendAll(
        store,
        TestPatientDecoder.preset("coded-1", "D9", T0, "SpO2", "coded", mdc + "^0^normal sinus"),
        TestPatientDecoder.preset("text-1", "D9", T0.plusSeconds(1), "SpO2", "text", "lead off"));

    assertThat(store.pipeline().drain()).isEqualTo(2);

    List<StoredMeasurement> stored = store.measurements().find(byDevice("D9"));
    assertThat(stored).extracting(StoredMeasurement::valueKind).containsExactly("coded", "text");
    assertThat(stored).extracting(StoredMeasurement::unit).containsOnlyNulls();
    assertThat(stored.get(0).value()).isEqualTo(mdc + "|0");
    assertThat(stored.get(0).valueDisplay()).isEqualTo("normal sinus");
    assertThat(stored.get(1).valueDisplay()).isNull();
    org.vitalbridge.core.model.Measurement coded = stored.get(0).toMeasurement();
    assertThat(coded.value())
        .isEqualTo(new org.vitalbridge.core.model.Value.Coded(mdc, "0", "normal sinus"));
    assertThat(coded.metric().mdc()).isEqualTo(MDC_SPO2);
    assertThat(coded.id())
        .isEqualTo(
            org.vitalbridge.core.harmonize.MeasurementIds.of(
                coded.device(),
                coded.metric(),
                T0,
                new org.vitalbridge.core.model.Value.Coded(mdc, "0", "normal sinus")));
    assertThat(stored.get(1).toMeasurement().value())
        .isEqualTo(new org.vitalbridge.core.model.Value.Text("lead off"));
    assertThat(store.quarantine().openCount()).isZero();
  }

  @Test
  void aWaveformStripComesBackFromTheStoreAsTheSameSampledSeries() throws Exception {
    Store store = open();
    org.vitalbridge.core.model.Value.SampledSeries strip =
        new org.vitalbridge.core.model.Value.SampledSeries(
            java.math.BigDecimal.ZERO,
            new java.math.BigDecimal("4"),
            new java.math.BigDecimal("0.01"),
            "mV",
            List.of(10L, -25L, 150L, 200L, 0L));
    appendAll(
        store,
        TestPatientDecoder.preset(
            "wave-1", "D8", T0, "MDC_ECG_ELEC_POTL_II", "series", strip.canonicalKey()));

    assertThat(store.pipeline().drain()).isEqualTo(1);

    StoredMeasurement s = store.measurements().find(byDevice("D8")).get(0);
    assertThat(s.valueKind()).isEqualTo("series");
    org.vitalbridge.core.model.Measurement m = s.toMeasurement();
    assertThat(m.value()).isEqualTo(strip);
    assertThat(m.id())
        .isEqualTo(
            org.vitalbridge.core.harmonize.MeasurementIds.of(m.device(), m.metric(), T0, strip));
  }

  @Test
  void aCodedValueWithoutADisplayComesBackWithoutOne() throws Exception {
    Store store = open();
    appendAll(store, TestPatientDecoder.preset("coded-2", "D9", T0, "SpO2", "coded", "HL70078^N^"));

    assertThat(store.pipeline().drain()).isEqualTo(1);

    StoredMeasurement s = store.measurements().find(byDevice("D9")).get(0);
    assertThat(s.valueDisplay()).isNull();
    assertThat(s.toMeasurement().value())
        .isEqualTo(new org.vitalbridge.core.model.Value.Coded("HL70078", "N", null));
  }

  @Test
  void badPayloadsAreQuarantinedWithReasonFieldDetailAndTheExactRawBytes() throws Exception {
    Store store = open();
    RawMessage outOfRange = raw("bad-range", payload("D1", T0, "SpO2", "101", "%"), T0);
    byte[] garbage = {'{', '"', 'd', 'e', 'v', (byte) 0xff, 0, (byte) 0xfe, '\n'};
    RawMessage malformed = raw("bad-json", garbage, TestPipeline.CONTENT_TYPE, T0);
    RawMessage good = spo2("ok-1", "D1", T0, 97);
    RawMessage unknown = raw("bad-metric", payload("D1", T0, "Wibble", "5", "%"), T0);
    RawMessage noDecoder =
        raw("bad-type", "SpO2=97".getBytes(StandardCharsets.UTF_8), "text/plain", T0);
    appendAll(store, outOfRange, malformed, good, unknown, noDecoder);

    assertThat(store.pipeline().drain()).isEqualTo(5);

    List<QuarantineEntry> open = store.quarantine().open(100);
    assertThat(open)
        .extracting(QuarantineEntry::rawId)
        .containsExactly("bad-range", "bad-json", "bad-metric", "bad-type");
    assertThat(store.quarantine().openCount()).isEqualTo(4);
    assertThat(store.retention().usage().openQuarantine()).isEqualTo(4);
    assertThat(store.measurements().count()).isEqualTo(1);

    QuarantineEntry range = open.get(0);
    assertThat(range.stage()).isEqualTo("harmonize");
    assertThat(range.reason()).isEqualTo("out-of-range");
    assertThat(range.field()).isEqualTo("$.value");
    assertThat(range.detail()).contains("101").contains("MDC_PULS_OXIM_SAT_O2");
    assertThat(range.createdAt()).isEqualTo(NOW);
    assertThat(range.resolvedAt()).isNull();

    QuarantineEntry json = open.get(1);
    assertThat(json.stage()).isEqualTo("decode");
    assertThat(json.reason()).isEqualTo("malformed-payload");
    assertThat(json.field()).isNull();
    assertThat(json.detail()).contains("not valid JSON");

    QuarantineEntry metric = open.get(2);
    assertThat(metric.stage()).isEqualTo("harmonize");
    assertThat(metric.reason()).isEqualTo("unknown-metric");
    assertThat(metric.field()).isEqualTo("$.label");
    assertThat(metric.detail()).contains("Wibble");

    QuarantineEntry type = open.get(3);
    assertThat(type.stage()).isEqualTo("decode");
    assertThat(type.reason()).isEqualTo("unsupported-message");
    assertThat(type.detail()).contains("text/plain");

    for (QuarantineEntry e : open) {
      assertThat(e.rawSeq()).isEqualTo(rawSeq(e.rawId()));
      assertThat(rawState(e.rawId())).isEqualTo("rejected");
    }
    StoredRaw rawJson = store.quarantine().raw(json.rawSeq()).orElseThrow();
    assertThat(rawJson.message().payload()).as("exact bytes as received").isEqualTo(garbage);
    assertThat(rawJson.message()).isEqualTo(malformed);
    assertThat(store.quarantine().raw(range.rawSeq()).orElseThrow().message().payload())
        .isEqualTo(outOfRange.payload());
    assertThat(store.quarantine().raw(type.rawSeq()).orElseThrow().message().contentType())
        .isEqualTo("text/plain");
    assertThat(store.quarantine().raw(maxSeq() + 1000)).isEmpty();
    assertThat(store.quarantine().open(2)).hasSize(2);
  }

  @Test
  void backgroundWorkerProcessesWhatTheJournalCommits() throws Exception {
    Store store = open();
    store.pipeline().start();
    List<RawMessage> messages =
        IntStream.range(0, 10)
            .mapToObj(i -> spo2("bg-" + i, "D1", T0.plusSeconds(i), 90 + i))
            .toList();
    appendAll(store, messages);

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(store.measurements().count()).isEqualTo(10));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(store.pipeline().position()).isEqualTo(maxSeq()));
    assertThat(count("SELECT COUNT(*) FROM raw_message WHERE state = 'pending'")).isZero();
  }

  // ---------------------------------------------------------------- replay

  @Test
  void replayingTheJournalNeverDuplicatesMeasurementsOrOutboxRows() throws Exception {
    Store store = openWithDestinations("fhir", "hl7");
    List<RawMessage> messages = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      messages.add(spo2("r-" + i, "D1", T0.plusSeconds(60L * i), 90 + i));
    }
    messages.add(raw("r-bad", payload("D1", T0, "SpO2", "101", "%"), T0));
    appendAll(store, messages);
    assertThat(store.pipeline().drain()).isEqualTo(6);
    assertThat(store.measurements().count()).isEqualTo(5);
    assertThat(count("SELECT COUNT(*) FROM outbox")).isEqualTo(10);
    assertThat(store.quarantine().openCount()).isEqualTo(1);

    ReprocessReport again =
        store.reprocessor().range(TestPipeline.standard(), null, FAR_PAST, FAR_FUTURE);
    assertThat(again).isEqualTo(new ReprocessReport(6, 5, 1));
    assertThat(store.measurements().count()).isEqualTo(5);
    assertThat(count("SELECT COUNT(*) FROM outbox")).isEqualTo(10);
    assertThat(store.quarantine().openCount()).isEqualTo(1);

    // As after a crash between writing a batch and saving the cursor: everything runs again.
    assertThat(TestDb.update(config(), "UPDATE cursor SET position = 0")).isEqualTo(1);
    assertThat(store.pipeline().drain()).isEqualTo(6);
    assertThat(store.measurements().count()).isEqualTo(5);
    assertThat(count("SELECT COUNT(*) FROM measurement")).isEqualTo(5);
    assertThat(count("SELECT COUNT(*) FROM outbox")).isEqualTo(10);
    assertThat(count("SELECT COUNT(*) FROM outbox WHERE destination = 'fhir'")).isEqualTo(5);
    assertThat(store.quarantine().openCount()).isEqualTo(1);
    assertThat(store.pipeline().position()).isEqualTo(maxSeq());
  }

  @Test
  void theSameEventInTwoRawMessagesIsOneMeasurement() throws Exception {
    Store store = openWithDestinations("fhir", "hl7");
    String body = payload("D1", T0, "SpO2", "97", "%");
    RawMessage original = raw("ev-1", body, T0.plusSeconds(1));
    RawMessage retransmit = raw("ev-2", body, T0.plusSeconds(30));
    RawMessage sameValueOtherNotation =
        raw("ev-3", payload("D1", T0, "SPO2", "97.0", "%"), T0.plusSeconds(40));
    appendAll(store, original, retransmit, sameValueOtherNotation);

    assertThat(store.pipeline().drain()).isEqualTo(3);

    assertThat(store.retention().usage().rawCount()).isEqualTo(3);
    assertThat(store.measurements().find(all()))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.rawId()).isEqualTo("ev-1");
              assertThat(m.value()).isEqualTo("97");
            });
    assertThat(count("SELECT COUNT(*) FROM outbox")).isEqualTo(2);
    assertThat(store.outbox().backlog("fhir")).isEqualTo(1);
    assertThat(store.outbox().backlog("hl7")).isEqualTo(1);
    assertThat(List.of(rawState("ev-1"), rawState("ev-2"), rawState("ev-3")))
        .containsOnly("processed");
  }

  // ---------------------------------------------------------------- consent

  @Test
  void aConsentGatedDestinationGetsOnlyPermittedPatientsAndTheOthersAreWithheld() throws Exception {
    Store store =
        open(
            config()
                .withDestinations(List.of("fhir", "research"))
                .withRequiresConsent(java.util.Set.of("research")),
            KEEP_ALL);
    store.associations().associate("D1", null, "MRN-1", null, FAR_PAST, "test");
    store.associations().associate("D2", null, "MRN-2", null, FAR_PAST, "test");
    store
        .consents()
        .record(
            new Consents.Consent(
                "MRN-1", "api", Consents.State.PERMIT, T0.minusSeconds(60), null, null));
    // The newest decision covering the time wins: a later deny for a span overrides the permit.
    clock.set(NOW.plusSeconds(1));
    store
        .consents()
        .record(
            new Consents.Consent(
                "MRN-1", "Consent/9", Consents.State.DENY, T0.plusSeconds(30), null, null));
    appendAll(
        store,
        spo2("c-1", "D1", T0, 97),
        spo2("c-2", "D1", T0.plusSeconds(60), 96),
        spo2("c-3", "D2", T0, 95));
    store.pipeline().drain();

    assertThat(rawIdsOf(store.outbox().due("fhir", 100))).containsExactly("c-1", "c-2", "c-3");
    assertThat(rawIdsOf(store.outbox().due("research", 100))).containsExactly("c-1");
    assertThat(store.outbox().status("research").withheld()).isEqualTo(2);
    assertThat(store.outbox().status("fhir").withheld()).isZero();
    assertThat(store.consents().of("MRN-1"))
        .extracting(Consents.Consent::source)
        .containsExactly("Consent/9", "api");

    assertThat(
            store
                .consents()
                .record(
                    new Consents.Consent("MRN-2", "api", Consents.State.PERMIT, null, null, null)))
        .isEqualTo(1);
    assertThat(rawIdsOf(store.outbox().due("research", 100))).containsExactly("c-1", "c-3");
    assertThat(store.outbox().status("research").withheld()).isEqualTo(1);
  }

  // ---------------------------------------------------------------- outbox

  @Test
  void outboxHasOneRowPerDestinationServedInJournalOrder() throws Exception {
    Store store = openWithDestinations("fhir", "hl7");
    List<RawMessage> messages = new ArrayList<>();
    // Observation times run backwards: delivery order follows the journal, not the clock.
    for (int i = 0; i < 5; i++) {
      messages.add(spo2("o-" + i, "D1", T0.minusSeconds(60L * i), 90 + i));
    }
    messages.add(2, raw("o-bad", payload("D1", T0, "SpO2", "101", "%"), T0));
    appendAll(store, messages);
    store.pipeline().drain();

    List<String> journalOrder = List.of("o-0", "o-1", "o-2", "o-3", "o-4");
    List<OutboxEntry> fhir = store.outbox().due("fhir", 100);
    assertThat(rawIdsOf(fhir)).containsExactlyElementsOf(journalOrder);
    assertThat(fhir).allSatisfy(e -> assertThat(e.destination()).isEqualTo("fhir"));
    assertThat(fhir).allSatisfy(e -> assertThat(e.attempts()).isZero());
    assertThat(fhir).extracting(OutboxEntry::seq).isSorted().doesNotHaveDuplicates();
    assertThat(rawIdsOf(store.outbox().due("hl7", 100))).containsExactlyElementsOf(journalOrder);
    assertThat(rawIdsOf(store.outbox().due("kafka", 100))).isEmpty();
    assertThat(store.outbox().backlog("fhir")).isEqualTo(5);
    assertThat(store.outbox().backlog("hl7")).isEqualTo(5);
    assertThat(count("SELECT COUNT(*) FROM outbox")).isEqualTo(10);

    List<OutboxEntry> firstTwo = store.outbox().due("fhir", 2);
    assertThat(rawIdsOf(firstTwo)).containsExactly("o-0", "o-1");
    store.outbox().delivered(firstTwo);

    assertThat(store.outbox().backlog("fhir")).isEqualTo(3);
    assertThat(store.outbox().backlog("hl7")).as("destinations are independent").isEqualTo(5);
    assertThat(rawIdsOf(store.outbox().due("fhir", 100))).containsExactly("o-2", "o-3", "o-4");
    assertThat(store.retention().usage().pendingOutbox()).isEqualTo(8);
    assertThat(
            TestDb.scalar(
                config(),
                "SELECT COUNT(*) FROM outbox WHERE state = 'delivered' AND delivered_at = ?",
                Times.micros(NOW)))
        .isEqualTo(2);
  }

  @Test
  void aFailedDeliveryIsRetriedLaterWithGrowingBackoff() throws Exception {
    Store store = openWithDestinations("fhir");
    appendAll(
        store,
        spo2("f-0", "D1", T0, 90),
        spo2("f-1", "D1", T0.plusSeconds(1), 91),
        spo2("f-2", "D1", T0.plusSeconds(2), 92));
    store.pipeline().drain();
    OutboxEntry head = store.outbox().due("fhir", 1).get(0);
    assertThat(head.measurement().rawId()).isEqualTo("f-0");

    store.outbox().failed(List.of(head), "HTTP 503 from FHIR server");

    assertThat(rawIdsOf(store.outbox().due("fhir", 100))).doesNotContain("f-0");
    assertThat(store.outbox().backlog("fhir")).isEqualTo(3);
    long next1 = nextAttempt(head.seq());
    assertThat(next1)
        .as("first retry 0.5..1 s later")
        .isBetween(micros(NOW, 500), micros(NOW, 1000));
    assertThat(
            TestDb.strings(
                config(),
                "SELECT state || ' ' || attempts || ' ' || last_error FROM outbox WHERE seq = ?",
                head.seq()))
        .containsExactly("failed 1 HTTP 503 from FHIR server");

    clock.set(Times.instant(next1));
    OutboxEntry retry = store.outbox().due("fhir", 1).get(0);
    assertThat(retry.seq()).isEqualTo(head.seq());
    assertThat(retry.attempts()).isEqualTo(1);

    store.outbox().failed(List.of(retry), "timeout");
    long next2 = nextAttempt(head.seq());
    Instant at = clock.instant();
    assertThat(next2).as("second retry 1..2 s later").isBetween(micros(at, 1000), micros(at, 2000));
    assertThat(rawIdsOf(store.outbox().due("fhir", 100))).doesNotContain("f-0");

    clock.set(Times.instant(next2));
    OutboxEntry third = store.outbox().due("fhir", 1).get(0);
    assertThat(third.attempts()).isEqualTo(2);
    store.outbox().delivered(List.of(third));
    assertThat(store.outbox().backlog("fhir")).isEqualTo(2);
    assertThat(
            TestDb.scalar(
                config(),
                "SELECT COUNT(*) FROM outbox WHERE seq = ? AND state = 'delivered' AND last_error IS NULL",
                head.seq()))
        .isEqualTo(1);
    assertThat(rawIdsOf(store.outbox().due("fhir", 100))).containsExactly("f-1", "f-2");
  }

  /**
   * A destination that was down drains its backlog in order when it returns: a connector that takes
   * whatever is due, delivers it and marks it delivered must see the journal order.
   */
  @Test
  void aBacklogDrainsInJournalOrderAfterTheDestinationReturns() throws Exception {
    Store store = openWithDestinations("fhir");
    List<RawMessage> messages = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      messages.add(spo2(String.format("b-%02d", i), "D1", T0.plusSeconds(i), 80 + i));
    }
    appendAll(store, messages);
    store.pipeline().drain();
    List<OutboxEntry> backlog = store.outbox().due("fhir", 100);
    assertThat(backlog).hasSize(20);

    store.outbox().failed(backlog, "connection refused");

    List<String> deliveredOrder = new ArrayList<>();
    Instant start = clock.instant();
    for (int ms = 0; ms <= 2_000 && deliveredOrder.size() < 20; ms += 5) {
      clock.set(start.plusMillis(ms));
      List<OutboxEntry> due = store.outbox().due("fhir", 100);
      if (!due.isEmpty()) {
        store.outbox().delivered(due);
        deliveredOrder.addAll(rawIdsOf(due));
      }
    }

    assertThat(deliveredOrder)
        .as("delivery order after a failed batch")
        .containsExactlyElementsOf(messages.stream().map(RawMessage::id).toList());
  }

  private long nextAttempt(long outboxSeq) throws SQLException {
    return TestDb.scalar(config(), "SELECT next_attempt_at FROM outbox WHERE seq = ?", outboxSeq);
  }

  private static long micros(Instant base, long plusMillis) {
    return Times.micros(base.plusMillis(plusMillis));
  }

  // ---------------------------------------------------------------- reprocess

  @Test
  void reprocessingWithAFixedTerminologyMovesTheMessageOutOfQuarantineOnce() throws Exception {
    Store store = openWithDestinations("fhir");
    RawMessage satx = raw("rp-satx", payload("D7", T0, "SatX", "96", "%"), T0.plusSeconds(1));
    appendAll(store, satx, spo2("rp-good", "D7", T0.plusSeconds(60), 97));
    store.pipeline().drain();
    assertThat(store.quarantine().open(10))
        .singleElement()
        .satisfies(
            q -> {
              assertThat(q.rawId()).isEqualTo("rp-satx");
              assertThat(q.reason()).isEqualTo("unknown-metric");
            });
    assertThat(store.measurements().count()).isEqualTo(1);

    MessageProcessor fixed =
        TestPipeline.withOverrides(
            List.of(TestPipeline.resource("terminology/satx-override.yaml")));
    clock.advance(Duration.ofMinutes(5));
    ReprocessReport report = store.reprocessor().rejected(fixed);

    assertThat(report).isEqualTo(new ReprocessReport(1, 1, 0));
    assertThat(store.quarantine().openCount()).isZero();
    assertThat(
            TestDb.scalar(config(), "SELECT resolved_at FROM quarantine WHERE raw_id = 'rp-satx'"))
        .isEqualTo(Times.micros(NOW.plus(Duration.ofMinutes(5))));
    assertThat(rawState("rp-satx")).isEqualTo("processed");
    List<StoredMeasurement> fromSatx =
        store.measurements().find(all()).stream().filter(m -> m.rawId().equals("rp-satx")).toList();
    assertThat(fromSatx)
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.mdc()).isEqualTo(MDC_SPO2);
              assertThat(m.value()).isEqualTo("96");
              assertThat(m.observedAt()).isEqualTo(T0);
              assertThat(m.id()).isEqualTo(TestPipeline.expectedId("D7", MDC_SPO2, T0, "96", "%"));
            });
    assertThat(store.measurements().count()).isEqualTo(2);
    assertThat(store.outbox().backlog("fhir")).as("the fixed measurement is queued").isEqualTo(2);

    assertThat(store.reprocessor().rejected(fixed)).isEqualTo(new ReprocessReport(0, 0, 0));
    store.reprocessor().range(fixed, null, FAR_PAST, FAR_FUTURE);
    assertThat(store.pipeline().drain()).isZero();
    assertThat(store.measurements().count()).isEqualTo(2);
    assertThat(count("SELECT COUNT(*) FROM outbox")).isEqualTo(2);
    assertThat(store.quarantine().openCount()).isZero();
  }

  @Test
  void reprocessingKeepsStillBrokenMessagesInQuarantineExactlyOnce() throws Exception {
    Store store = open();
    appendAll(
        store,
        raw("sb-range", payload("D1", T0, "SpO2", "101", "%"), T0),
        raw("sb-satx", payload("D1", T0, "SatX", "96", "%"), T0));
    store.pipeline().drain();
    MessageProcessor fixed =
        TestPipeline.withOverrides(
            List.of(TestPipeline.resource("terminology/satx-override.yaml")));

    assertThat(store.reprocessor().rejected(fixed)).isEqualTo(new ReprocessReport(2, 1, 1));
    assertThat(store.reprocessor().rejected(fixed)).isEqualTo(new ReprocessReport(1, 0, 1));

    assertThat(store.quarantine().open(10))
        .singleElement()
        .satisfies(
            q -> {
              assertThat(q.rawId()).isEqualTo("sb-range");
              assertThat(q.reason()).isEqualTo("out-of-range");
            });
    assertThat(rawState("sb-range")).isEqualTo("rejected");
    assertThat(store.measurements().count()).isEqualTo(1);
  }

  @Test
  void reprocessingARangeForOneDeviceTouchesOnlyItsMessages() throws Exception {
    Store store = open();
    appendAll(
        store,
        spo2("rd-1", "D1", T0, 95),
        spo2("rd-2", "D2", T0, 96),
        spo2("rd-3", "D2", T0.plusSeconds(60), 97),
        spo2("rd-4", "D1", T0.plusSeconds(60), 98));
    store.pipeline().drain();

    assertThat(store.reprocessor().range(TestPipeline.standard(), "D2", FAR_PAST, FAR_FUTURE))
        .isEqualTo(new ReprocessReport(2, 2, 0));
    // received_at is observed + 1 s: [T0+1s, T0+2s) holds rd-1 and rd-2 only.
    assertThat(
            store
                .reprocessor()
                .range(TestPipeline.standard(), null, T0.plusSeconds(1), T0.plusSeconds(2)))
        .isEqualTo(new ReprocessReport(2, 2, 0));
    assertThat(store.measurements().count()).isEqualTo(4);
  }

  // ---------------------------------------------------------------- retention

  @Test
  void retentionPurgesOldDeliveredRawMessagesAndKeepsUndeliveredAndQuarantinedOnes()
      throws Exception {
    Store store =
        open(
            config().withDestinations(List.of("fhir")),
            new RetentionPolicy(Duration.ofDays(1), null, 0, 0));
    Instant old = NOW.minus(Duration.ofDays(2));
    Instant young = NOW.minus(Duration.ofHours(1));
    appendAll(
        store,
        raw("ret-old-delivered", payload("D1", old, "SpO2", "95", "%"), old),
        raw("ret-old-undelivered", payload("D2", old, "SpO2", "96", "%"), old),
        raw("ret-old-quarantined", payload("D3", old, "SpO2", "101", "%"), old),
        raw("ret-young-delivered", payload("D4", young, "SpO2", "97", "%"), young));
    store.pipeline().drain();
    deliver(store, "fhir", "ret-old-delivered", "ret-young-delivered");
    appendAll(store, raw("ret-old-unprocessed", payload("D5", old, "SpO2", "98", "%"), old));

    PurgeReport report = store.retention().purge();

    assertThat(report.rawPurged()).isEqualTo(1);
    assertThat(report.measurementsPurged()).isZero();
    assertThat(rawIds())
        .containsExactly(
            "ret-old-undelivered",
            "ret-old-quarantined",
            "ret-young-delivered",
            "ret-old-unprocessed");
    assertThat(report.after().rawCount()).isEqualTo(4);
    assertThat(store.measurements().count()).as("measurements outlive their raw").isEqualTo(3);
    assertThat(store.measurements().find(byDevice("D1"))).hasSize(1);
    assertThat(store.quarantine().openCount()).isEqualTo(1);

    deliver(store, "fhir", "ret-old-undelivered");
    assertThat(store.retention().purge().rawPurged()).isEqualTo(1);
    assertThat(rawIds())
        .containsExactly("ret-old-quarantined", "ret-young-delivered", "ret-old-unprocessed");
    assertThat(store.retention().purge().rawPurged()).isZero();
  }

  @Test
  void theCountCapPurgesTheOldestDeliveredMessagesFirst() throws Exception {
    Store store =
        open(config().withDestinations(List.of("fhir")), new RetentionPolicy(null, null, 0, 5));
    List<RawMessage> messages = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Instant at = NOW.minus(Duration.ofMinutes(30)).plusSeconds(i);
      messages.add(raw("cap-" + i, payload("D1", at, "SpO2", "9" + i, "%"), at));
    }
    appendAll(store, messages);
    store.pipeline().drain();
    // cap-0, the oldest, is still undelivered and must stay.
    deliver(
        store, "fhir", "cap-1", "cap-2", "cap-3", "cap-4", "cap-5", "cap-6", "cap-7", "cap-8",
        "cap-9");

    PurgeReport report = store.retention().purge();

    assertThat(rawIds())
        .as("5 over the cap of 5: the five oldest delivered go, the newest stay")
        .containsExactly("cap-0", "cap-6", "cap-7", "cap-8", "cap-9");
    assertThat(report.rawPurged()).isEqualTo(5);
    assertThat(report.after().rawCount()).isEqualTo(5);
    assertThat(report.after().overCap()).isFalse();
  }

  @Test
  void theByteCapPurgesOnlyWhatIsNeededOldestFirst() throws Exception {
    List<RawMessage> messages = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Instant at = NOW.minus(Duration.ofMinutes(30)).plusSeconds(i);
      messages.add(raw("bcap-" + i, payload("D1", at, "SpO2", "9" + i, "%"), at));
    }
    int size = messages.get(0).size();
    assertThat(messages).allSatisfy(m -> assertThat(m.size()).isEqualTo(size));
    Store store =
        open(
            config().withDestinations(List.of("fhir")),
            new RetentionPolicy(null, null, 3L * size, 0));
    appendAll(store, messages);
    store.pipeline().drain();
    deliver(store, "fhir", messages.stream().map(RawMessage::id).toArray(String[]::new));
    assertThat(store.retention().usage().rawBytes()).isEqualTo(6L * size);

    PurgeReport report = store.retention().purge();

    assertThat(report.after().rawBytes()).isLessThanOrEqualTo(3L * size);
    assertThat(rawIds()).containsExactly("bcap-3", "bcap-4", "bcap-5");
    assertThat(report.rawPurged()).isEqualTo(3);
  }

  @Test
  void usageReportsCountsBytesAndOverCapWhenNothingCanBePurged() throws Exception {
    Store store =
        open(config().withDestinations(List.of("fhir")), new RetentionPolicy(null, null, 0, 2));
    List<RawMessage> messages = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      messages.add(spo2("u-" + i, "D1", T0.plusSeconds(i), 90 + i));
    }
    messages.add(raw("u-bad", payload("D1", T0, "SpO2", "101", "%"), T0));
    appendAll(store, messages);
    store.pipeline().drain();
    long bytes = messages.stream().mapToLong(RawMessage::size).sum();

    PurgeReport report = store.retention().purge();

    assertThat(report.rawPurged()).isZero();
    StoreUsage usage = store.retention().usage();
    assertThat(usage.rawCount()).isEqualTo(5);
    assertThat(usage.rawBytes()).isEqualTo(bytes);
    assertThat(usage.measurementCount()).isEqualTo(4);
    assertThat(usage.openQuarantine()).isEqualTo(1);
    assertThat(usage.pendingOutbox()).isEqualTo(4);
    assertThat(usage.overCap()).isTrue();
    assertThat(report.after())
        .usingRecursiveComparison()
        .ignoringFields("fileBytes")
        .isEqualTo(usage);
    if (config().backend().equals("sqlite")) {
      assertThat(usage.fileBytes()).isPositive();
    } else {
      assertThat(usage.fileBytes()).isEqualTo(-1);
    }

    deliver(store, "fhir", "u-0", "u-1", "u-2", "u-3");
    PurgeReport after = store.retention().purge();
    assertThat(after.after().overCap()).isFalse();
    assertThat(after.after().rawCount()).isLessThanOrEqualTo(2);
    assertThat(rawIds()).contains("u-bad");
  }

  @Test
  void measurementsOlderThanTheirMaxAgeAndDeliveredEverywhereArePurged() throws Exception {
    Store store =
        open(
            config().withDestinations(List.of("fhir", "hl7")),
            new RetentionPolicy(null, Duration.ofDays(30), 0, 0));
    Instant old = NOW.minus(Duration.ofDays(40));
    Instant recent = NOW.minus(Duration.ofDays(1));
    appendAll(
        store,
        spo2("ma-old-delivered", "D1", old, 95),
        spo2("ma-old-half", "D2", old, 96),
        spo2("ma-recent", "D3", recent, 97));
    store.pipeline().drain();
    deliver(store, "fhir", "ma-old-delivered", "ma-old-half", "ma-recent");
    deliver(store, "hl7", "ma-old-delivered", "ma-recent");

    PurgeReport report = store.retention().purge();

    assertThat(report.measurementsPurged()).isEqualTo(1);
    assertThat(store.measurements().find(all()))
        .extracting(StoredMeasurement::rawId)
        .containsExactlyInAnyOrder("ma-old-half", "ma-recent");
    UUID purged = TestPipeline.expectedId("D1", MDC_SPO2, old, "95", "%");
    assertThat(
            TestDb.scalar(
                config(),
                "SELECT COUNT(*) FROM outbox WHERE measurement_id = ?",
                purged.toString()))
        .isZero();
    assertThat(store.outbox().backlog("hl7")).isEqualTo(1);
  }

  // ---------------------------------------------------------------- queries

  @Test
  void longitudinalQueriesByDeviceSubjectMetricAndTimeRange() throws Exception {
    Store store = open();
    store.associations().associate("D1", null, "P1", "E1", T0.minus(Duration.ofHours(1)), "adt");
    appendAll(
        store,
        spo2("q-1", "D1", T0, 95),
        raw("q-2", payload("D1", T0.plusSeconds(60), "HR", "70", "/min"), T0.plusSeconds(61)),
        spo2("q-3", "D1", T0.plusSeconds(120), 97),
        spo2("q-4", "D2", T0.plusSeconds(180), 88),
        spo2("q-5", "D1", T0.plusSeconds(240), 99),
        spo2("q-6", "D1", T0.plusSeconds(300), 90),
        spo2("q-7", "D1", T0.plusSeconds(420), 92));
    store.pipeline().drain();
    MeasurementQueries q = store.measurements();

    assertThat(q.find(byDevice("D1")))
        .extracting(StoredMeasurement::rawId)
        .containsExactly("q-1", "q-2", "q-3", "q-5", "q-6", "q-7");
    assertThat(q.find(byDevice("D1"))).extracting(StoredMeasurement::observedAt).isSorted();
    assertThat(q.find(new MeasurementQuery("P1", null, null, FAR_PAST, FAR_FUTURE, 100)))
        .extracting(StoredMeasurement::rawId)
        .containsExactly("q-1", "q-2", "q-3", "q-5", "q-6", "q-7");
    assertThat(q.find(new MeasurementQuery("P1", null, MDC_SPO2, FAR_PAST, FAR_FUTURE, 100)))
        .extracting(StoredMeasurement::rawId)
        .containsExactly("q-1", "q-3", "q-5", "q-6", "q-7");
    assertThat(q.find(new MeasurementQuery(null, null, MDC_HEART_RATE, FAR_PAST, FAR_FUTURE, 100)))
        .extracting(StoredMeasurement::rawId)
        .containsExactly("q-2");
    assertThat(q.find(byDevice("D2")))
        .singleElement()
        .satisfies(m -> assertThat(m.subject()).isNull());
    assertThat(q.find(new MeasurementQuery("P2", null, null, FAR_PAST, FAR_FUTURE, 100))).isEmpty();
    assertThat(q.find(new MeasurementQuery("P1", "D2", null, FAR_PAST, FAR_FUTURE, 100))).isEmpty();
    // [from, to): from inclusive, to exclusive.
    assertThat(
            q.find(
                new MeasurementQuery(
                    null, null, null, T0.plusSeconds(120), T0.plusSeconds(240), 100)))
        .extracting(StoredMeasurement::rawId)
        .containsExactly("q-3", "q-4");
    assertThat(q.find(new MeasurementQuery(null, "D1", null, FAR_PAST, FAR_FUTURE, 2)))
        .extracting(StoredMeasurement::rawId)
        .containsExactly("q-1", "q-2");
    assertThat(q.count()).isEqualTo(7);
  }

  @Test
  void trendBucketsAggregateCountAverageMinimumAndMaximum() throws Exception {
    Store store = open();
    appendAll(
        store,
        spo2("t-1", "D1", T0, 95),
        spo2("t-2", "D1", T0.plusSeconds(120), 97),
        spo2("t-3", "D1", T0.plusSeconds(299), 99),
        spo2("t-4", "D1", T0.plusSeconds(300), 90),
        spo2("t-5", "D1", T0.plusSeconds(420), 93),
        spo2("t-6", "D2", T0.plusSeconds(60), 50),
        raw("t-7", payload("D1", T0.plusSeconds(30), "HR", "180", "/min"), T0.plusSeconds(31)),
        spo2("t-8", "D1", T0.plusSeconds(900), 80));
    store.pipeline().drain();

    List<TrendBucket> trend =
        store
            .measurements()
            .trend(
                new MeasurementQuery(null, "D1", MDC_SPO2, T0, T0.plusSeconds(600), 100),
                Duration.ofMinutes(5));

    assertThat(trend).hasSize(2);
    TrendBucket first = trend.get(0);
    assertThat(first.start()).isEqualTo(T0);
    assertThat(first.count()).isEqualTo(3);
    assertThat(first.avg()).isCloseTo(97.0, within(1e-9));
    assertThat(first.min()).isEqualTo(95.0);
    assertThat(first.max()).isEqualTo(99.0);
    TrendBucket second = trend.get(1);
    assertThat(second.start()).isEqualTo(T0.plusSeconds(300));
    assertThat(second.count()).isEqualTo(2);
    assertThat(second.avg()).isCloseTo(91.5, within(1e-9));
    assertThat(second.min()).isEqualTo(90.0);
    assertThat(second.max()).isEqualTo(93.0);

    assertThatThrownBy(() -> store.measurements().trend(all(), Duration.ofNanos(10)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---------------------------------------------------------------- associations

  @Test
  void associationsAttributeMeasurementsAndANewOneClosesThePrevious() throws Exception {
    Store store = open();
    Instant t1 = T0.plus(Duration.ofMinutes(30));
    store.associations().associate("D1", null, "P1", "E1", T0, "adt");
    store.associations().associate("D1", null, "P2", "E2", t1, "adt");
    store.associations().associate(null, "ICU-7", "P9", null, T0, "static-map");
    appendAll(
        store,
        spo2("a-before", "D1", T0.minusSeconds(60), 90),
        spo2("a-p1", "D1", T0.plusSeconds(60), 91),
        spo2("a-p1-last", "D1", t1.minusSeconds(1), 92),
        spo2("a-p2-first", "D1", t1, 93),
        spo2("a-p2", "D1", t1.plusSeconds(60), 94),
        raw("a-bed", payload("D3", T0.plusSeconds(60), "SpO2", "95", "%", "ICU-7"), T0),
        raw("a-device-wins", payload("D1", T0.plusSeconds(120), "SpO2", "96", "%", "ICU-7"), T0));
    store.pipeline().drain();

    List<String> subjects =
        List.of("a-before", "a-p1", "a-p1-last", "a-p2-first", "a-p2", "a-bed", "a-device-wins")
            .stream()
            .map(id -> subjectOf(store, id))
            .toList();
    assertThat(subjects).containsExactly("-", "P1", "P1", "P2", "P2", "P9", "P1");
    StoredMeasurement bed = store.measurements().find(byDevice("D3")).get(0);
    assertThat(bed.location()).isEqualTo("ICU-7");
    assertThat(
            TestDb.strings(
                config(),
                "SELECT subject || ':' || COALESCE(CAST(valid_to AS TEXT), 'open') FROM association"
                    + " WHERE device = 'D1' ORDER BY valid_from"))
        .containsExactly("P1:" + Times.micros(t1), "P2:open");

    store.associations().end("D1", null, t1.plus(Duration.ofMinutes(10)));
    appendAll(store, spo2("a-after-end", "D1", t1.plus(Duration.ofMinutes(20)), 97));
    store.pipeline().drain();
    assertThat(subjectOf(store, "a-after-end")).isEqualTo("-");
    assertThatThrownBy(() -> store.associations().associate(null, null, "P3", null, T0, "api"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static String subjectOf(Store store, String rawId) {
    List<StoredMeasurement> found =
        store.measurements().find(all()).stream().filter(m -> m.rawId().equals(rawId)).toList();
    assertThat(found).as("measurement from %s", rawId).hasSize(1);
    String s = found.get(0).subject();
    return s == null ? "-" : s;
  }

  @Test
  void auditRecordsAreAppended() throws Exception {
    Store store = open();
    store.audit().record("admin", "template.update", "template/test-json", "ok", "version 2");
    assertThat(
            TestDb.strings(
                config(),
                "SELECT actor || '|' || action || '|' || resource || '|' || outcome || '|' || detail"
                    + " || '|' || at FROM audit"))
        .containsExactly(
            "admin|template.update|template/test-json|ok|version 2|" + Times.micros(NOW));
  }

  // ---------------------------------------------------------------- audit chain

  private static AuditEvent read(String patient) {
    return new AuditEvent(
        "nurse-3",
        "viewer",
        "GET /api/v1/measurements",
        "metric=150456",
        patient,
        "10.0.0.7",
        "200",
        null);
  }

  private static List<AuditEntry> appendFive(Store store) {
    List<AuditEntry> out = new java.util.ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      out.add(store.audit().append(read("P-" + i)));
    }
    return out;
  }

  @Test
  void auditEntriesFormAHashChainThatVerifies() {
    Store store = open();
    assertThat(store.audit().verify().intact()).isTrue();
    List<AuditEntry> five = appendFive(store);
    assertThat(five).extracting(AuditEntry::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(five.get(0).prevHash()).isEqualTo("0".repeat(64));
    for (int i = 1; i < 5; i++) {
      assertThat(five.get(i).prevHash()).isEqualTo(five.get(i - 1).hash());
    }
    assertThat(store.audit().entries(0, 10)).isEqualTo(five);
    assertThat(store.audit().entries(3, 10))
        .extracting(e -> e.event().patient())
        .containsExactly("P-4", "P-5");
    AuditVerification v = store.audit().verify();
    assertThat(v.intact()).as(v.reason()).isTrue();
    assertThat(v.rows()).isEqualTo(5);
  }

  @Test
  void anEditedAuditRowIsTheFirstBrokenLink() throws Exception {
    Store store = open();
    appendFive(store);
    TestDb.update(config(), "UPDATE audit SET patient = 'P-X' WHERE seq = 3");
    AuditVerification v = store.audit().verify();
    assertThat(v.intact()).isFalse();
    assertThat(v.brokenSeq()).isEqualTo(3);
    assertThat(v.kind()).isEqualTo("edited");
  }

  @Test
  void anEditedAndRehashedRowBreaksTheNextLink() throws Exception {
    Store store = open();
    List<AuditEntry> five = appendFive(store);
    AuditEntry e = five.get(1);
    AuditEvent forged =
        new AuditEvent(
            "nurse-3",
            "viewer",
            "GET /api/v1/measurements",
            "metric=150456",
            "P-X",
            "10.0.0.7",
            "200",
            null);
    TestDb.update(
        config(),
        "UPDATE audit SET patient = 'P-X', hash = ? WHERE seq = 2",
        AuditChain.hash(e.prevHash(), 2, Times.micros(e.at()), forged));
    AuditVerification v = store.audit().verify();
    assertThat(v.brokenSeq()).isEqualTo(3);
    assertThat(v.kind()).isEqualTo("relinked");
  }

  @Test
  void aDeletedAuditRowIsReportedByItsSeqAndADeletedTailToo() throws Exception {
    Store store = open();
    appendFive(store);
    TestDb.update(config(), "DELETE FROM audit WHERE seq = 2");
    AuditVerification v = store.audit().verify();
    assertThat(v.intact()).isFalse();
    assertThat(v.brokenSeq()).isEqualTo(2);
    assertThat(v.kind()).isEqualTo("deleted");
    assertThat(v.reason()).contains("row 2 is missing");
  }

  @Test
  void aDeletedTailIsNoticedThroughTheHead() throws Exception {
    Store store = open();
    appendFive(store);
    TestDb.update(config(), "DELETE FROM audit WHERE seq >= 4");
    AuditVerification v = store.audit().verify();
    assertThat(v.brokenSeq()).isEqualTo(4);
    assertThat(v.kind()).isEqualTo("truncated");
  }

  @Test
  void rowsWrittenBeforeTheChainAreChainedWhenTheStoreOpens() throws Exception {
    Store store = open();
    store.audit().append(read("P-1"));
    store.close();
    opened.remove(store);
    TestDb.update(
        config(),
        "INSERT INTO audit (seq, at, actor, action, resource, outcome) VALUES (2, 1, 'old', 'x',"
            + " 'y', 'ok')");
    Store reopened = open();
    assertThat(reopened.audit().verify().intact()).isTrue();
    assertThat(reopened.audit().append(read("P-3")).seq()).isEqualTo(3);
    assertThat(reopened.audit().verify().rows()).isEqualTo(3);
  }

  @Test
  void concurrentAppendsStayOneLinearChain() throws Exception {
    Store store = open();
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<AuditEntry>> futures = new java.util.ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String p = "P-" + i;
        futures.add(pool.submit(() -> store.audit().append(read(p))));
      }
      for (var f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    AuditVerification v = store.audit().verify();
    assertThat(v.intact()).as(v.reason()).isTrue();
    assertThat(v.rows()).isEqualTo(40);
  }

  @Test
  void apiCredentialsAreFoundByIdUntilRevoked() {
    Store store = open();
    assertThat(store.credentials().anyIssued("admin")).isFalse();
    store.credentials().add(new ApiCredentials.Row("abc", "admin", "admin", "00", "ff"));
    assertThat(store.credentials().find("abc"))
        .hasValueSatisfying(r -> assertThat(r.subject()).isEqualTo("admin"));
    assertThat(store.credentials().anyIssued("admin")).isTrue();
    assertThat(store.credentials().revoke("abc")).isTrue();
    assertThat(store.credentials().find("abc")).isEmpty();
    assertThat(store.credentials().anyIssued("admin")).isTrue();
  }

  @Test
  void anApiCredentialIsRefusedFromItsExpiryOn() {
    Store store = open();
    Instant expiry = clock.instant().plus(Duration.ofDays(90));
    store.credentials().add(new ApiCredentials.Row("exp", "gateway", "device", "00", "ff", expiry));
    store.credentials().add(new ApiCredentials.Row("forever", "admin", "admin", "00", "ff"));

    assertThat(store.credentials().find("exp"))
        .hasValueSatisfying(r -> assertThat(r.expiresAt()).isEqualTo(expiry));
    clock.set(expiry.minusMillis(1));
    assertThat(store.credentials().find("exp")).isPresent();
    clock.set(expiry);
    assertThat(store.credentials().find("exp")).isEmpty();
    assertThat(store.credentials().find("forever"))
        .hasValueSatisfying(r -> assertThat(r.expiresAt()).isNull());
  }

  // ---------------------------------------------------------------- re-attribution

  static final String BED_A = "ICU/301/1";
  static final String BED_B = "ICU/302/1";

  /** An SpO2 reading of {@code device} at {@code bed}, naming no patient. */
  static RawMessage bedSpo2(String id, String device, Instant ts, int percent, String bed) {
    return raw(id, payload(device, ts, "SpO2", "" + percent, "%", bed), ts.plusSeconds(1));
  }

  private static StoredMeasurement measurement(Store store, String rawId) {
    return store.measurements().find(all()).stream()
        .filter(m -> m.rawId().equals(rawId))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no measurement from " + rawId));
  }

  private static List<String> subjectsOf(Store store, String... rawIds) {
    return Arrays.stream(rawIds).map(id -> subjectOf(store, id)).toList();
  }

  private static Instant minutes(long n) {
    return T0.plus(Duration.ofMinutes(n));
  }

  @Test
  void aLateAdmissionReattributesEarlierMeasurementsKeepsHistoryAndQueuesThemAgain()
      throws Exception {
    Store store = openWithDestinations("fhir", "hl7");
    appendAll(
        store,
        bedSpo2("la-before", "D1", T0, 95, BED_A),
        bedSpo2("la-1", "D1", minutes(10), 96, BED_A),
        bedSpo2("la-2", "D1", minutes(20), 97, BED_A),
        bedSpo2("la-other-bed", "D2", minutes(10), 98, BED_B));
    store.pipeline().drain();
    for (String destination : List.of("fhir", "hl7")) {
      deliver(store, destination, "la-before", "la-1", "la-2", "la-other-bed");
    }
    clock.advance(Duration.ofHours(1));

    int changed =
        store
            .associations()
            .associate(null, BED_A, "P1", "E1", minutes(5), "adt", "ADT^A01 MSG1 raw r1");

    assertThat(changed).isEqualTo(2);
    assertThat(subjectsOf(store, "la-before", "la-1", "la-2", "la-other-bed"))
        .containsExactly("-", "P1", "P1", "-");
    StoredMeasurement amended = measurement(store, "la-1");
    assertThat(amended.status()).isEqualTo("amended");
    assertThat(measurement(store, "la-before").status()).isEqualTo("final");
    assertThat(store.measurements().attributionHistory(amended.id()))
        .containsExactly(
            new AttributionChange(
                amended.id(), null, "P1", NOW.plus(Duration.ofHours(1)), "ADT^A01 MSG1 raw r1"));
    assertThat(store.measurements().attributionHistory(measurement(store, "la-before").id()))
        .isEmpty();
    assertThat(store.measurements().statusHistory(amended.id()))
        .containsExactly(
            new StatusChange(
                amended.id(),
                "final",
                "amended",
                NOW.plus(Duration.ofHours(1)),
                "ADT^A01 MSG1 raw r1"));
    for (String destination : List.of("fhir", "hl7")) {
      List<OutboxEntry> due = store.outbox().due(destination, 100);
      assertThat(rawIdsOf(due)).as(destination).containsExactly("la-1", "la-2");
      assertThat(due)
          .allSatisfy(
              e -> {
                assertThat(e.attempts()).isZero();
                assertThat(e.measurement().subject()).isEqualTo("P1");
                assertThat(e.measurement().status()).isEqualTo("amended");
              });
    }
    assertThat(count("SELECT COUNT(*) FROM outbox WHERE state = 'delivered'")).isEqualTo(4);
    assertThat(
            TestDb.strings(
                config(), "SELECT subject_source FROM measurement WHERE raw_id = 'la-1'"))
        .containsExactly("association");

    // The same ADT again (a resend) changes nothing.
    assertThat(
            store
                .associations()
                .associate(null, BED_A, "P1", "E1", minutes(5), "adt", "ADT^A01 MSG1 raw r1"))
        .isZero();
    assertThat(store.measurements().attributionHistory(amended.id())).hasSize(1);
    assertThat(store.associations().history(null, BED_A))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.subject()).isEqualTo("P1");
              assertThat(a.encounter()).isEqualTo("E1");
              assertThat(a.validFrom()).isEqualTo(minutes(5));
              assertThat(a.validTo()).isNull();
              assertThat(a.cause()).isEqualTo("ADT^A01 MSG1 raw r1");
              assertThat(a.cancelled()).isFalse();
            });
  }

  @Test
  void aBackdatedAssociationReattributesOnlyTheIntervalItNowCovers() throws Exception {
    Store store = open();
    store.associations().associate("D1", null, "P1", null, T0, "api");
    store.associations().associate("D1", null, "P3", null, minutes(30), "api");
    appendAll(
        store,
        spo2("bd-1", "D1", minutes(5), 91),
        spo2("bd-2", "D1", minutes(15), 92),
        spo2("bd-3", "D1", minutes(25), 93),
        spo2("bd-4", "D1", minutes(35), 94));
    store.pipeline().drain();
    assertThat(subjectsOf(store, "bd-1", "bd-2", "bd-3", "bd-4"))
        .containsExactly("P1", "P1", "P1", "P3");

    assertThat(store.associations().associate("D1", null, "P2", null, minutes(10), "api", "fix"))
        .isEqualTo(2);

    assertThat(subjectsOf(store, "bd-1", "bd-2", "bd-3", "bd-4"))
        .containsExactly("P1", "P2", "P2", "P3");
    assertThat(store.associations().history("D1", null))
        .extracting(a -> a.subject() + " " + a.validFrom() + " " + a.validTo())
        .containsExactly(
            "P1 " + T0 + " " + minutes(10),
            "P2 " + minutes(10) + " " + minutes(30),
            "P3 " + minutes(30) + " null");
    assertThat(store.measurements().attributionHistory(measurement(store, "bd-2").id()))
        .extracting(AttributionChange::previousSubject, AttributionChange::subject)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("P1", "P2"));
  }

  @Test
  void aTransferMovesAttributionAtItsTimeAndADischargeEndsIt() throws Exception {
    Store store = openWithDestinations("fhir");
    Associations associations = store.associations();
    associations.associate(null, BED_A, "P1", "E1", T0, "adt", "ADT^A01 M1");
    appendAll(
        store,
        bedSpo2("tr-a1", "D1", minutes(5), 91, BED_A),
        bedSpo2("tr-a2", "D1", minutes(25), 92, BED_A),
        bedSpo2("tr-b1", "D2", minutes(15), 93, BED_B),
        bedSpo2("tr-b2", "D2", minutes(25), 94, BED_B),
        bedSpo2("tr-b3", "D2", minutes(35), 95, BED_B));
    store.pipeline().drain();
    assertThat(subjectsOf(store, "tr-a1", "tr-a2", "tr-b1", "tr-b2", "tr-b3"))
        .containsExactly("P1", "P1", "-", "-", "-");

    int moved = associations.transfer("P1", "E1", BED_A, BED_B, minutes(20), "adt", "ADT^A02 M2");

    assertThat(moved).isEqualTo(3);
    assertThat(subjectsOf(store, "tr-a1", "tr-a2", "tr-b1", "tr-b2", "tr-b3"))
        .containsExactly("P1", "-", "-", "P1", "P1");

    assertThat(associations.end(null, BED_B, "P2", minutes(30), "ADT^A03 other"))
        .as("a discharge of someone else leaves the bed alone")
        .isZero();
    int discharged = associations.end(null, BED_B, "P1", minutes(30), "ADT^A03 M3");

    assertThat(discharged).isEqualTo(1);
    assertThat(subjectsOf(store, "tr-b2", "tr-b3")).containsExactly("P1", "-");
    assertThat(associations.history(null, BED_A))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.validTo()).isEqualTo(minutes(20));
              assertThat(a.causes()).containsExactly("ADT^A01 M1", "ADT^A02 M2");
            });
    assertThat(associations.history(null, BED_B))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.validFrom()).isEqualTo(minutes(20));
              assertThat(a.validTo()).isEqualTo(minutes(30));
              assertThat(a.encounter()).isEqualTo("E1");
              assertThat(a.causes()).containsExactly("ADT^A02 M2", "ADT^A03 M3");
            });
    assertThat(store.measurements().attributionHistory(measurement(store, "tr-b3").id()))
        .extracting(AttributionChange::subject, AttributionChange::cause)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("P1", "ADT^A02 M2"),
            org.assertj.core.groups.Tuple.tuple(null, "ADT^A03 M3"));

    assertThat(associations.transfer("P1", "E1", BED_A, BED_B, minutes(20), "adt", "ADT^A02 M2"))
        .isZero();
    assertThat(associations.end(null, BED_B, "P1", minutes(30), "ADT^A03 M3")).isZero();
    assertThat(associations.history(null, BED_A)).hasSize(1);
    assertThat(associations.history(null, BED_B)).hasSize(1);
    assertThat(subjectsOf(store, "tr-a1", "tr-a2", "tr-b1", "tr-b2", "tr-b3"))
        .containsExactly("P1", "-", "-", "P1", "-");
  }

  @Test
  void cancellingAnAdmissionRestoresWhoeverHadTheBedBefore() throws Exception {
    Store store = open();
    Associations associations = store.associations();
    associations.associate(null, BED_A, "P0", "E0", T0.minus(Duration.ofHours(1)), "adt", "M0");
    associations.associate(null, BED_A, "P1", "E1", T0, "adt", "ADT^A01 M1");
    appendAll(
        store,
        bedSpo2("ca-0", "D1", minutes(-10), 90, BED_A),
        bedSpo2("ca-1", "D1", minutes(5), 91, BED_A));
    store.pipeline().drain();
    assertThat(subjectsOf(store, "ca-0", "ca-1")).containsExactly("P0", "P1");

    assertThat(associations.cancelAdmit(BED_A, "P1", "E1", "ADT^A11 M2")).isEqualTo(1);

    assertThat(subjectsOf(store, "ca-0", "ca-1")).containsExactly("P0", "P0");
    assertThat(associations.at(null, BED_A, minutes(5)).orElseThrow().subject()).isEqualTo("P0");
    assertThat(associations.history(null, BED_A))
        .extracting(a -> a.subject() + " " + a.validTo() + " " + a.cancelledAt() + " " + a.cause())
        .containsExactly(
            "P0 null null M0; ADT^A01 M1; ADT^A11 M2",
            "P1 null " + NOW + " ADT^A01 M1; ADT^A11 M2");

    assertThat(associations.cancelAdmit(BED_A, "P1", "E1", "ADT^A11 M2")).isZero();
    assertThat(associations.cancelAdmit(BED_A, "P1", "E1", "ADT^A11 M2-resent")).isZero();
    assertThat(associations.associate(null, BED_A, "P1", "E1", T0, "adt", "ADT^A01 M1"))
        .as("the cancelled admission, resent late, stays cancelled")
        .isZero();
    assertThat(associations.history(null, BED_A)).hasSize(2);
    assertThat(subjectsOf(store, "ca-0", "ca-1")).containsExactly("P0", "P0");
  }

  @Test
  void cancellingATransferReturnsThePatientToTheirPreviousBed() throws Exception {
    Store store = open();
    Associations associations = store.associations();
    associations.associate(null, BED_A, "P1", "E1", T0, "adt", "ADT^A01 M1");
    associations.transfer("P1", "E1", BED_A, BED_B, minutes(20), "adt", "ADT^A02 M2");
    appendAll(
        store,
        bedSpo2("ct-a", "D1", minutes(25), 91, BED_A),
        bedSpo2("ct-b", "D2", minutes(25), 92, BED_B));
    store.pipeline().drain();
    assertThat(subjectsOf(store, "ct-a", "ct-b")).containsExactly("-", "P1");

    assertThat(associations.cancelTransfer("P1", "E1", BED_A, null, "ADT^A12 M3")).isEqualTo(2);

    assertThat(subjectsOf(store, "ct-a", "ct-b")).containsExactly("P1", "-");
    assertThat(associations.history(null, BED_A))
        .singleElement()
        .satisfies(a -> assertThat(a.validTo()).isNull());
    assertThat(associations.history(null, BED_B))
        .singleElement()
        .satisfies(a -> assertThat(a.cancelledAt()).isEqualTo(NOW));

    assertThat(associations.cancelTransfer("P1", "E1", BED_A, BED_B, "ADT^A12 M3")).isZero();
    assertThat(associations.cancelTransfer("P1", "E1", BED_A, BED_B, "ADT^A12 M3-again")).isZero();
    assertThat(subjectsOf(store, "ct-a", "ct-b")).containsExactly("P1", "-");
  }

  @Test
  void cancellingADischargeReopensTheStayUpToTheBedsNextPatient() throws Exception {
    Store store = open();
    Associations associations = store.associations();
    associations.associate(null, BED_A, "P1", null, T0, "adt", "ADT^A01 M1");
    associations.end(null, BED_A, "P1", minutes(30), "ADT^A03 M2");
    associations.associate(null, BED_A, "P2", null, minutes(50), "adt", "ADT^A01 M3");
    appendAll(
        store,
        bedSpo2("cd-gap", "D1", minutes(40), 91, BED_A),
        bedSpo2("cd-p2", "D1", minutes(55), 92, BED_A));
    store.pipeline().drain();
    assertThat(subjectsOf(store, "cd-gap", "cd-p2")).containsExactly("-", "P2");

    assertThat(associations.cancelDischarge(BED_A, "P1", null, "ADT^A13 M4")).isEqualTo(1);

    assertThat(subjectsOf(store, "cd-gap", "cd-p2")).containsExactly("P1", "P2");
    assertThat(associations.history(null, BED_A))
        .extracting(a -> a.subject() + " " + a.validFrom() + " " + a.validTo())
        .containsExactly("P1 " + T0 + " " + minutes(50), "P2 " + minutes(50) + " null");
    assertThat(associations.cancelDischarge(BED_A, "P1", null, "ADT^A13 M4")).isZero();
    assertThat(associations.cancelDischarge(BED_A, "P1", null, "ADT^A13 M4-again")).isZero();
  }

  @Test
  void aPatientNamedByTheDeviceMessageIsNeverReattributed() throws Exception {
    Store store = openWithDestinations("fhir");
    appendAll(
        store,
        TestPatientDecoder.spo2("ms-named", "D1", minutes(5), 95, BED_A, "PX"),
        bedSpo2("ms-bed", "D1", minutes(6), 96, BED_A));
    store.pipeline().drain();
    deliver(store, "fhir", "ms-named", "ms-bed");

    assertThat(store.associations().associate(null, BED_A, "P1", null, T0, "adt", "M1"))
        .isEqualTo(1);
    assertThat(store.associations().cancelAdmit(BED_A, "P1", null, "M2")).isEqualTo(1);

    StoredMeasurement named = measurement(store, "ms-named");
    assertThat(named.subject()).isEqualTo("PX");
    assertThat(named.status()).isEqualTo("final");
    assertThat(store.measurements().attributionHistory(named.id())).isEmpty();
    assertThat(
            TestDb.strings(
                config(), "SELECT subject_source FROM measurement WHERE raw_id = 'ms-named'"))
        .containsExactly("message");
    assertThat(store.measurements().attributionHistory(measurement(store, "ms-bed").id()))
        .extracting(AttributionChange::subject)
        .containsExactly("P1", null);
    assertThat(rawIdsOf(store.outbox().due("fhir", 10))).containsExactly("ms-bed");
  }

  @Test
  void heldMeasurementsAreQueuedOnlyOnceAnAssociationNamesTheirPatient() throws Exception {
    Store store =
        open(
            config().withDestinations(List.of("fhir")).withUnassociated(UnassociatedPolicy.HOLD),
            KEEP_ALL);
    store.associations().associate("D2", null, "P9", null, T0, "api");
    appendAll(
        store,
        bedSpo2("h-1", "D1", minutes(5), 91, BED_A),
        bedSpo2("h-2", "D1", minutes(10), 92, BED_A),
        spo2("h-known", "D2", minutes(5), 93));
    store.pipeline().drain();

    assertThat(store.unassociated().policy()).isEqualTo(UnassociatedPolicy.HOLD);
    assertThat(store.unassociated().heldCount()).isEqualTo(2);
    assertThat(store.unassociated().held(10))
        .extracting(StoredMeasurement::rawId)
        .containsExactly("h-1", "h-2");
    assertThat(rawIdsOf(store.outbox().due("fhir", 10))).containsExactly("h-known");
    assertThat(store.measurements().count()).isEqualTo(3);

    assertThat(store.associations().associate(null, BED_A, "P1", null, T0, "adt", "M1"))
        .isEqualTo(2);

    assertThat(store.unassociated().heldCount()).isZero();
    assertThat(rawIdsOf(store.outbox().due("fhir", 10))).containsExactly("h-known", "h-1", "h-2");
    assertThat(measurement(store, "h-1").status())
        .as("released, not amended: no destination has seen it")
        .isEqualTo("final");
    assertThat(measurement(store, "h-1").subject()).isEqualTo("P1");
  }

  @Test
  void theForwardPolicyQueuesMeasurementsWithoutAPatient() throws Exception {
    Store store = openWithDestinations("fhir");
    appendAll(store, bedSpo2("fw-1", "D1", minutes(5), 91, BED_A));
    store.pipeline().drain();

    assertThat(store.unassociated().policy()).isEqualTo(UnassociatedPolicy.FORWARD);
    assertThat(store.unassociated().heldCount()).isZero();
    assertThat(rawIdsOf(store.outbox().due("fhir", 10))).containsExactly("fw-1");
    assertThat(subjectOf(store, "fw-1")).isEqualTo("-");
  }

  @Test
  void theDropPolicyStoresNoMeasurementWithoutAPatientAndCountsIt() throws Exception {
    Store store =
        open(
            config().withDestinations(List.of("fhir")).withUnassociated(UnassociatedPolicy.DROP),
            KEEP_ALL);
    store.associations().associate("D2", null, "P9", null, T0, "api");
    appendAll(
        store,
        bedSpo2("dr-1", "D1", minutes(5), 91, BED_A),
        bedSpo2("dr-2", "D1", minutes(10), 92, BED_A),
        spo2("dr-known", "D2", minutes(5), 93));
    store.pipeline().drain();

    assertThat(store.measurements().find(all()))
        .extracting(StoredMeasurement::rawId)
        .containsExactly("dr-known");
    assertThat(store.unassociated().dropped()).isEqualTo(2);
    assertThat(store.unassociated().heldCount()).isZero();
    assertThat(rawIdsOf(store.outbox().due("fhir", 10))).containsExactly("dr-known");
    assertThat(rawState("dr-1")).isEqualTo("processed");
  }

  @Test
  void anAssociationStartingWhenAnotherDidSupersedesItAndADischargeNeedNotNameTheBed()
      throws Exception {
    Store store = open();
    Associations associations = store.associations();
    associations.associate(null, BED_A, "P1", "E1", T0, "adt", "M1");
    appendAll(store, bedSpo2("sup-1", "D1", minutes(5), 91, BED_A));
    store.pipeline().drain();

    assertThat(associations.associate(null, BED_A, "P2", "E2", T0, "adt", "M2")).isEqualTo(1);

    assertThat(subjectOf(store, "sup-1")).isEqualTo("P2");
    assertThat(associations.history(null, BED_A))
        .extracting(a -> a.subject() + " " + a.cancelled())
        .containsExactly("P1 true", "P2 false");

    assertThat(associations.end(null, null, "P2", minutes(3), "M3")).isEqualTo(1);
    assertThat(subjectOf(store, "sup-1")).isEqualTo("-");
    assertThat(associations.at(null, BED_A, minutes(1)).orElseThrow().subject()).isEqualTo("P2");
    assertThat(associations.at(null, BED_A, minutes(3))).isEmpty();
  }

  // A patient occupies at most one bed at any instant, whatever order the ADT feed arrives in.

  @Test
  void anAdmissionAppliedAfterTheTransferOutOfItsBedEndsWhereTheTransferBegins() throws Exception {
    Store store = openWithDestinations("fhir");
    Associations associations = store.associations();
    String bedC = "ICU/303/1";
    associations.associate(null, bedC, "P1", "E1", minutes(15), "adt", "ADT^A01 M0");
    assertThat(associations.cancelAdmit(bedC, "P1", "E1", "ADT^A11 M0x")).isZero();
    appendAll(
        store,
        bedSpo2("oo-a1", "D1", minutes(5), 91, BED_A),
        bedSpo2("oo-a2", "D1", minutes(20), 92, BED_A),
        bedSpo2("oo-a3", "D1", minutes(35), 93, BED_A),
        bedSpo2("oo-b1", "D2", minutes(35), 94, BED_B));
    store.pipeline().drain();
    deliver(store, "fhir", "oo-a1", "oo-a2", "oo-a3", "oo-b1");

    // The transfer out of BED_A at 10:30 is applied before the admission to it at 10:00.
    assertThat(associations.transfer("P1", "E1", BED_A, BED_B, minutes(30), "adt", "ADT^A02 M2"))
        .isEqualTo(1);
    assertThat(subjectsOf(store, "oo-a1", "oo-a2", "oo-a3", "oo-b1"))
        .containsExactly("-", "-", "-", "P1");

    assertThat(associations.associate(null, BED_A, "P1", "E1", T0, "adt", "ADT^A01 M1"))
        .as("the admission covers BED_A only until P1's transfer to BED_B")
        .isEqualTo(2);

    assertThat(subjectsOf(store, "oo-a1", "oo-a2", "oo-a3", "oo-b1"))
        .containsExactly("P1", "P1", "-", "P1");
    assertThat(associations.at(null, BED_A, minutes(35))).isEmpty();
    assertThat(associations.history(null, BED_A))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.subject()).isEqualTo("P1");
              assertThat(a.validFrom()).isEqualTo(T0);
              assertThat(a.validTo()).isEqualTo(minutes(30));
              assertThat(a.causes()).containsExactly("ADT^A01 M1");
            });
    assertThat(associations.history(null, BED_B))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.validFrom()).isEqualTo(minutes(30));
              assertThat(a.validTo()).isNull();
              assertThat(a.causes()).containsExactly("ADT^A02 M2");
            });
    assertThat(associations.history(null, bedC))
        .as("a cancelled stay neither bounds the admission nor is touched by it")
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.cancelled()).isTrue();
              assertThat(a.validTo()).isNull();
              assertThat(a.causes()).containsExactly("ADT^A01 M0", "ADT^A11 M0x");
            });
    assertThat(store.measurements().attributionHistory(measurement(store, "oo-a3").id())).isEmpty();
    assertThat(rawIdsOf(store.outbox().due("fhir", 10)))
        .containsExactlyInAnyOrder("oo-a1", "oo-a2", "oo-b1");

    appendAll(
        store,
        bedSpo2("oo-a4", "D1", minutes(40), 95, BED_A),
        bedSpo2("oo-b2", "D2", minutes(40), 96, BED_B));
    store.pipeline().drain();
    assertThat(subjectsOf(store, "oo-a4", "oo-b2")).containsExactly("-", "P1");

    // Resent, in either order, neither changes anything.
    assertThat(associations.associate(null, BED_A, "P1", "E1", T0, "adt", "ADT^A01 M1")).isZero();
    assertThat(associations.transfer("P1", "E1", BED_A, BED_B, minutes(30), "adt", "ADT^A02 M2"))
        .isZero();
    assertThat(associations.history(null, BED_A))
        .extracting(a -> a.validTo() + " " + a.cause())
        .containsExactly(minutes(30) + " ADT^A01 M1");
    assertThat(associations.history(null, BED_B)).hasSize(1);
    assertThat(subjectsOf(store, "oo-a1", "oo-a2", "oo-a3", "oo-a4", "oo-b1", "oo-b2"))
        .containsExactly("P1", "P1", "-", "-", "P1", "P1");
  }

  @Test
  void aNewBedAssociationEndsThePatientsStayInAnotherBedAndCancellingItRestoresIt()
      throws Exception {
    Store store = open();
    Associations associations = store.associations();
    associations.associate(null, BED_A, "P1", "E1", T0, "adt", "ADT^A01 M1");
    appendAll(
        store,
        bedSpo2("nb-a1", "D1", minutes(20), 91, BED_A),
        bedSpo2("nb-a2", "D1", minutes(40), 92, BED_A),
        bedSpo2("nb-b", "D2", minutes(40), 93, BED_B));
    store.pipeline().drain();
    assertThat(subjectsOf(store, "nb-a1", "nb-a2", "nb-b")).containsExactly("P1", "P1", "-");

    // An association with another bed (not a transfer) ends the stay in the first at its start.
    assertThat(associations.associate(null, BED_B, "P1", "E1", minutes(30), "adt", "ADT^A01 M2"))
        .isEqualTo(2);

    assertThat(subjectsOf(store, "nb-a1", "nb-a2", "nb-b")).containsExactly("P1", "-", "P1");
    assertThat(associations.history(null, BED_A))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.validTo()).isEqualTo(minutes(30));
              assertThat(a.causes()).containsExactly("ADT^A01 M1", "ADT^A01 M2");
            });
    assertThat(store.measurements().attributionHistory(measurement(store, "nb-a2").id()))
        .extracting(AttributionChange::previousSubject, AttributionChange::subject)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("P1", null));
    assertThat(associations.associate(null, BED_B, "P1", "E1", minutes(30), "adt", "ADT^A01 M2"))
        .isZero();
    assertThat(associations.history(null, BED_A))
        .extracting(Association::cause)
        .containsExactly("ADT^A01 M1; ADT^A01 M2");

    // Cancelling it gives the patient back the bed it had closed.
    assertThat(associations.cancelAdmit(BED_B, "P1", "E1", "ADT^A11 M3")).isEqualTo(2);

    assertThat(subjectsOf(store, "nb-a1", "nb-a2", "nb-b")).containsExactly("P1", "P1", "-");
    assertThat(associations.history(null, BED_A))
        .singleElement()
        .satisfies(a -> assertThat(a.validTo()).isNull());
  }

  @Test
  void aReopenedStayEndsWhereThePatientsNextBedBegins() throws Exception {
    Store store = open();
    Associations associations = store.associations();
    associations.associate(null, BED_A, "P1", null, T0, "adt", "ADT^A01 M1");
    associations.end(null, BED_A, "P1", minutes(30), "ADT^A03 M2");
    associations.associate(null, BED_B, "P1", null, minutes(50), "adt", "ADT^A01 M3");
    appendAll(
        store,
        bedSpo2("rs-a1", "D1", minutes(40), 91, BED_A),
        bedSpo2("rs-a2", "D1", minutes(55), 92, BED_A),
        bedSpo2("rs-b", "D2", minutes(55), 93, BED_B));
    store.pipeline().drain();
    assertThat(subjectsOf(store, "rs-a1", "rs-a2", "rs-b")).containsExactly("-", "-", "P1");

    assertThat(associations.cancelDischarge(BED_A, "P1", null, "ADT^A13 M4")).isEqualTo(1);

    assertThat(subjectsOf(store, "rs-a1", "rs-a2", "rs-b")).containsExactly("P1", "-", "P1");
    assertThat(associations.history(null, BED_A))
        .extracting(a -> a.validFrom() + " " + a.validTo() + " " + a.cause())
        .containsExactly(T0 + " " + minutes(50) + " ADT^A01 M1; ADT^A03 M2; ADT^A13 M4");
    assertThat(associations.cancelDischarge(BED_A, "P1", null, "ADT^A13 M4")).isZero();
  }

  @Test
  void purgingAMeasurementPurgesItsAttributionHistory() throws Exception {
    Store store =
        open(
            config().withDestinations(List.of("fhir")),
            new RetentionPolicy(null, Duration.ofDays(30), 0, 0));
    Instant old = NOW.minus(Duration.ofDays(40));
    appendAll(store, bedSpo2("ph-old", "D1", old, 91, BED_A));
    store.pipeline().drain();
    store.associations().associate(null, BED_A, "P1", null, old.minusSeconds(60), "adt", "M1");
    deliver(store, "fhir", "ph-old");
    assertThat(count("SELECT COUNT(*) FROM attribution_history")).isEqualTo(1);
    assertThat(count("SELECT COUNT(*) FROM status_history")).isEqualTo(1);

    assertThat(store.retention().purge().measurementsPurged()).isEqualTo(1);

    assertThat(count("SELECT COUNT(*) FROM attribution_history")).isZero();
    assertThat(count("SELECT COUNT(*) FROM status_history")).isZero();
  }

  // ---------------------------------------------------------------- result status

  /** An SpO2 reading of D1 at {@code ts} with a result status, {@code percent} null for none. */
  static RawMessage status(String id, Instant ts, Integer percent, String status) {
    return TestPatientDecoder.withStatus(
        id, "D1", ts, "SpO2", percent == null ? null : percent.toString(), "%", status);
  }

  private static StatusChange statusChange(
      StoredMeasurement m, String previous, String status, String rawId) {
    return new StatusChange(m.id(), previous, status, NOW, "raw " + rawId);
  }

  private static List<String> statusesDue(Store store, String destination) {
    return store.outbox().due(destination, 100).stream()
        .map(e -> e.measurement().value() + " " + e.measurement().status() + " r" + e.revision())
        .toList();
  }

  @Test
  void aLaterStatusOfAStoredMeasurementUpdatesItKeepsHistoryAndQueuesItAgain() throws Exception {
    Store store = openWithDestinations("fhir", "hl7");
    List<org.vitalbridge.core.model.Measurement> fed =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    store.feed().subscribe(fed::add);
    appendAll(store, status("st-p", T0, 97, "preliminary"));
    store.pipeline().drain();
    StoredMeasurement m = store.measurements().find(all()).get(0);
    assertThat(m.status()).isEqualTo("preliminary");
    for (String destination : List.of("fhir", "hl7")) {
      assertThat(statusesDue(store, destination)).containsExactly("97 preliminary r0");
      deliver(store, destination, "st-p");
    }

    appendAll(store, status("st-f", T0, 97, "final"));
    store.pipeline().drain();

    assertThat(store.measurements().find(all()))
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.id()).isEqualTo(m.id());
              assertThat(s.status()).isEqualTo("final");
              assertThat(s.rawId()).as("still the message that reported it").isEqualTo("st-p");
            });
    assertThat(store.measurements().statusHistory(m.id()))
        .containsExactly(statusChange(m, "preliminary", "final", "st-f"));
    for (String destination : List.of("fhir", "hl7")) {
      assertThat(statusesDue(store, destination)).as(destination).containsExactly("97 final r1");
      assertThat(store.outbox().due(destination, 1).get(0).isUpdate()).isTrue();
      deliver(store, destination, "st-p");
    }
    assertThat(fed)
        .extracting(f -> f.id() + " " + f.status().code())
        .containsExactly(m.id() + " preliminary", m.id() + " final");

    // A late preliminary version changes nothing: a status never moves backwards.
    appendAll(store, status("st-p-late", T0, 97, "preliminary"));
    store.pipeline().drain();
    assertThat(store.measurements().byId(m.id()).orElseThrow().status()).isEqualTo("final");
    assertThat(store.measurements().statusHistory(m.id())).hasSize(1);
    assertThat(store.outbox().backlog("fhir")).isZero();
    assertThat(fed).hasSize(2);

    // A retraction with the value names the measurement by its id.
    appendAll(store, status("st-w", T0, 97, "entered-in-error"));
    store.pipeline().drain();
    assertThat(store.measurements().byId(m.id()).orElseThrow().status())
        .isEqualTo("entered-in-error");
    assertThat(store.measurements().statusHistory(m.id()))
        .containsExactly(
            statusChange(m, "preliminary", "final", "st-f"),
            statusChange(m, "final", "entered-in-error", "st-w"));
    for (String destination : List.of("fhir", "hl7")) {
      assertThat(statusesDue(store, destination)).containsExactly("97 entered-in-error r2");
      deliver(store, destination, "st-p");
    }
    assertThat(fed).last().extracting(f -> f.status().code()).isEqualTo("entered-in-error");

    // Resent retractions and late finals change nothing and are no rejections: they matched.
    appendAll(
        store,
        status("st-w-again", T0, 97, "entered-in-error"),
        status("st-f-late", T0, 97, "final"));
    store.pipeline().drain();
    assertThat(store.measurements().count()).isEqualTo(1);
    assertThat(store.measurements().statusHistory(m.id())).hasSize(2);
    assertThat(store.outbox().backlog("hl7")).isZero();
    assertThat(store.quarantine().openCount()).isZero();
    assertThat(rawState("st-w-again")).isEqualTo("processed");
  }

  @Test
  void aRetractionWithoutAValueRetractsEveryMeasurementOfItsDeviceMetricAndTime() throws Exception {
    Store store = openWithDestinations("fhir");
    appendAll(
        store,
        status("rt-97", T0, 97, "final"),
        status("rt-98", T0, 98, "preliminary"),
        status("rt-later", T0.plusSeconds(1), 97, "final"),
        TestPatientDecoder.withStatus("rt-hr", "D1", T0, "HR", "72", "/min", "final"),
        TestPatientDecoder.withStatus("rt-d2", "D2", T0, "SpO2", "97", "%", "final"));
    store.pipeline().drain();
    deliver(store, "fhir", "rt-97", "rt-98", "rt-later", "rt-hr", "rt-d2");

    appendAll(store, status("rt-d", T0, null, "entered-in-error"));
    store.pipeline().drain();

    assertThat(store.measurements().count()).as("a retraction is never stored").isEqualTo(5);
    assertThat(store.measurements().find(all()))
        .extracting(s -> s.rawId() + " " + s.status())
        .containsExactlyInAnyOrder(
            "rt-97 entered-in-error",
            "rt-98 entered-in-error",
            "rt-later final",
            "rt-hr final",
            "rt-d2 final");
    assertThat(statusesDue(store, "fhir"))
        .containsExactly("97 entered-in-error r1", "98 entered-in-error r1");
    StoredMeasurement was98 = measurement(store, "rt-98");
    assertThat(store.measurements().statusHistory(was98.id()))
        .containsExactly(statusChange(was98, "preliminary", "entered-in-error", "rt-d"));
    assertThat(store.quarantine().openCount()).isZero();
    assertThat(rawState("rt-d")).isEqualTo("processed");

    deliver(store, "fhir", "rt-97", "rt-98");
    appendAll(store, status("rt-d-again", T0, null, "entered-in-error"));
    store.pipeline().drain();
    assertThat(store.outbox().backlog("fhir")).isZero();
    assertThat(store.measurements().statusHistory(was98.id())).hasSize(1);
    assertThat(store.quarantine().openCount()).isZero();
  }

  @Test
  void aCorrectionWithAnotherValueRetractsTheValueItReplaces() throws Exception {
    Store store = openWithDestinations("fhir");
    appendAll(
        store,
        status("cv-97", T0, 97, "final"),
        status("cv-later", T0.plusSeconds(1), 97, "final"),
        TestPatientDecoder.withStatus("cv-hr", "D1", T0, "HR", "72", "/min", "final"));
    store.pipeline().drain();
    deliver(store, "fhir", "cv-97", "cv-later", "cv-hr");

    appendAll(store, status("cv-c", T0, 95, "amended"));
    store.pipeline().drain();

    assertThat(store.measurements().find(all()))
        .extracting(s -> s.rawId() + " " + s.value() + " " + s.status())
        .containsExactlyInAnyOrder(
            "cv-97 97 entered-in-error", "cv-c 95 amended", "cv-later 97 final", "cv-hr 72 final");
    assertThat(statusesDue(store, "fhir"))
        .containsExactlyInAnyOrder("97 entered-in-error r1", "95 amended r0");
    StoredMeasurement was97 = measurement(store, "cv-97");
    assertThat(store.measurements().statusHistory(was97.id()))
        .singleElement()
        .satisfies(h -> assertThat(h.cause()).contains("cv-c", "superseded", "95 %"));

    // The correction resent changes nothing more.
    deliver(store, "fhir", "cv-97", "cv-c");
    appendAll(store, status("cv-c-again", T0, 95, "amended"));
    store.pipeline().drain();
    assertThat(store.outbox().backlog("fhir")).isZero();
    assertThat(store.measurements().statusHistory(was97.id())).hasSize(1);
  }

  @Test
  void aRetractionThatMatchesNothingIsQuarantinedAndAppliedWhenReprocessedAfterItsResult()
      throws Exception {
    Store store = openWithDestinations("fhir");
    appendAll(
        store,
        status("um-d", T0, null, "entered-in-error"),
        status("um-w", T0.plusSeconds(5), 95, "entered-in-error"));
    store.pipeline().drain();

    assertThat(store.measurements().count()).isZero();
    assertThat(store.outbox().backlog("fhir")).isZero();
    assertThat(store.quarantine().open(10))
        .extracting(QuarantineEntry::rawId, QuarantineEntry::stage, QuarantineEntry::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("um-d", "store", "unmatched-retraction"),
            org.assertj.core.groups.Tuple.tuple("um-w", "store", "unmatched-retraction"));
    assertThat(store.quarantine().open(10).get(0).detail())
        .contains("MDC_PULS_OXIM_SAT_O2", "D1", T0.toString(), "nothing was retracted");
    assertThat(store.quarantine().open(10).get(1).detail()).contains("95 %");
    assertThat(rawState("um-d")).isEqualTo("rejected");

    // The results arrive after their retractions (out of order); re-running the quarantined
    // retractions applies them.
    appendAll(
        store, status("um-97", T0, 97, "final"), status("um-95", T0.plusSeconds(5), 95, "final"));
    store.pipeline().drain();
    assertThat(store.reprocessor().rejected(TestPipeline.standard()))
        .isEqualTo(new ReprocessReport(2, 2, 0));

    assertThat(store.quarantine().openCount()).isZero();
    assertThat(store.measurements().find(all()))
        .extracting(StoredMeasurement::status)
        .containsOnly("entered-in-error");
    assertThat(store.measurements().count()).isEqualTo(2);
  }

  @Test
  void statusChangesWithinOneBatchAreAppliedInJournalOrder() throws Exception {
    Store store = openWithDestinations("fhir");
    appendAll(
        store,
        status("b-p", T0, 97, "preliminary"),
        status("b-f", T0, 97, "final"),
        status("b-w", T0, 97, "entered-in-error"),
        TestPatientDecoder.withStatus("b-hr", "D1", T0, "HR", "72", "/min", "preliminary"),
        TestPatientDecoder.withStatus("b-hr-d", "D1", T0, "HR", null, "/min", "entered-in-error"));
    assertThat(store.pipeline().drain()).isEqualTo(5);

    StoredMeasurement spo2 = measurement(store, "b-p");
    assertThat(spo2.status()).isEqualTo("entered-in-error");
    assertThat(store.measurements().statusHistory(spo2.id()))
        .containsExactly(
            statusChange(spo2, "preliminary", "final", "b-f"),
            statusChange(spo2, "final", "entered-in-error", "b-w"));
    assertThat(measurement(store, "b-hr").status()).isEqualTo("entered-in-error");
    assertThat(store.measurements().count()).isEqualTo(2);
    assertThat(statusesDue(store, "fhir"))
        .containsExactly("97 entered-in-error r1", "72 entered-in-error r1");
    assertThat(store.quarantine().openCount()).isZero();
  }

  @Test
  void aDeliveryThatReadAnOlderVersionLeavesTheNewerOneQueued() throws Exception {
    Store store = openWithDestinations("fhir", "hl7");
    appendAll(store, status("rv-p", T0, 97, "preliminary"));
    store.pipeline().drain();
    List<OutboxEntry> sentToFhir = store.outbox().due("fhir", 10);
    List<OutboxEntry> sentToHl7 = store.outbox().due("hl7", 10);

    // The final version is committed while both destinations are still sending the preliminary.
    appendAll(store, status("rv-f", T0, 97, "final"));
    store.pipeline().drain();
    store.outbox().delivered(sentToFhir);
    store.outbox().deadLetter(sentToHl7, "AE from the EHR");

    assertThat(statusesDue(store, "fhir")).containsExactly("97 final r1");
    assertThat(statusesDue(store, "hl7")).containsExactly("97 final r1");
    assertThat(store.outbox().deadLetters("hl7", 10)).isEmpty();
    store.outbox().failed(sentToFhir, "timeout");
    assertThat(store.outbox().due("fhir", 10))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.attempts()).isZero();
              assertThat(e.measurement().status()).isEqualTo("final");
            });
    store.outbox().delivered(store.outbox().due("fhir", 10));
    assertThat(store.outbox().backlog("fhir")).isZero();
  }

  @Test
  void aHeldMeasurementTakesItsNewStatusAndIsReleasedWithItNotAsACorrection() throws Exception {
    Store store =
        open(
            config().withDestinations(List.of("fhir")).withUnassociated(UnassociatedPolicy.HOLD),
            KEEP_ALL);
    appendAll(store, status("hd-p", T0, 97, "preliminary"));
    store.pipeline().drain();
    appendAll(store, status("hd-f", T0, 97, "final"));
    store.pipeline().drain();

    assertThat(store.unassociated().heldCount()).isEqualTo(1);
    assertThat(store.unassociated().held(10).get(0).status()).isEqualTo("final");
    assertThat(store.outbox().backlog("fhir")).as("held: nothing goes out").isZero();

    assertThat(store.associations().associate("D1", null, "P1", null, FAR_PAST, "api", "M1"))
        .isEqualTo(1);
    assertThat(statusesDue(store, "fhir")).containsExactly("97 final r0");
  }

  @Test
  void aPreliminaryResultReattributedStaysPreliminaryUntilItsFinalVersionArrives()
      throws Exception {
    Store store = openWithDestinations("fhir");
    appendAll(store, status("ra-p", T0, 97, "preliminary"));
    store.pipeline().drain();
    deliver(store, "fhir", "ra-p");

    store.associations().associate("D1", null, "P1", null, FAR_PAST, "api", "M1");

    StoredMeasurement m = measurement(store, "ra-p");
    assertThat(m.subject()).isEqualTo("P1");
    assertThat(m.status()).isEqualTo("preliminary");
    assertThat(store.measurements().statusHistory(m.id())).isEmpty();
    assertThat(statusesDue(store, "fhir")).containsExactly("97 preliminary r1");

    appendAll(store, status("ra-f", T0, 97, "final"));
    store.pipeline().drain();
    assertThat(measurement(store, "ra-p").status()).isEqualTo("final");
    assertThat(statusesDue(store, "fhir")).containsExactly("97 final r2");
  }

  // ---------------------------------------------------------------- concurrency

  @Test
  void concurrentAppendsAreAllCommittedAndProcessedExactlyOnce() throws Exception {
    int threads = 48;
    int perThread = 50;
    Store store = openWithDestinations("fhir");
    store.pipeline().start();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<List<CompletableFuture<Void>>>> submitted = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        int thread = t;
        submitted.add(
            pool.submit(
                () -> {
                  go.await();
                  List<CompletableFuture<Void>> mine = new ArrayList<>();
                  for (int i = 0; i < perThread; i++) {
                    mine.add(
                        store
                            .journal()
                            .append(
                                spo2(
                                    "c-" + thread + "-" + i,
                                    "CD" + thread,
                                    T0.plusSeconds(i),
                                    50 + i % 50)));
                  }
                  return mine;
                }));
      }
      go.countDown();
      List<CompletableFuture<Void>> all = new ArrayList<>();
      for (Future<List<CompletableFuture<Void>>> f : submitted) {
        all.addAll(f.get(60, SECONDS));
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, SECONDS);
      assertThat(all).hasSize(threads * perThread).allSatisfy(f -> assertThat(f).isCompleted());
    } finally {
      pool.shutdownNow();
    }

    int expected = threads * perThread;
    assertThat(count("SELECT COUNT(*) FROM raw_message")).isEqualTo(expected);
    assertThat(count("SELECT COUNT(DISTINCT id) FROM raw_message")).isEqualTo(expected);

    store.pipeline().drain();

    assertThat(store.pipeline().position()).isEqualTo(maxSeq());
    assertThat(count("SELECT COUNT(*) FROM raw_message WHERE state <> 'processed'")).isZero();
    assertThat(store.measurements().count()).isEqualTo(expected);
    assertThat(count("SELECT COUNT(DISTINCT raw_id) FROM measurement")).isEqualTo(expected);
    assertThat(count("SELECT COUNT(*) FROM outbox")).isEqualTo(expected);
    Set<String> ids =
        store.measurements().find(all()).stream()
            .map(StoredMeasurement::rawId)
            .collect(Collectors.toCollection(HashSet::new));
    assertThat(ids).hasSize(expected).contains("c-0-0", "c-47-49");
  }

  // ---------------------------------------------------------------- negative acknowledgments

  @Test
  void negativeAcknowledgmentsAreStoredAsDataAndSearchable() {
    Store store = open();
    store
        .negativeAcks()
        .record(
            NegativeAcks.INBOUND,
            "ACDE48234567ABCD",
            "MSG0001",
            "AE",
            List.of(
                new NegativeAcks.Error("OBX^5^5", "102", "not-numeric: \"abc\"\tis not a number"),
                new NegativeAcks.Error("OBX^6^6", "103", "unit-unknown")),
            "raw-1");
    clock.advance(java.time.Duration.ofMinutes(1));
    store.negativeAcks().record(NegativeAcks.OUTBOUND, "ehr", "VB-1", "AR", List.of(), null);

    List<NegativeAcks.Entry> fromSender =
        store.negativeAcks().find("ACDE48234567ABCD", null, null, 10);
    assertThat(fromSender).hasSize(1);
    NegativeAcks.Entry e = fromSender.get(0);
    assertThat(e.direction()).isEqualTo("in");
    assertThat(e.controlId()).isEqualTo("MSG0001");
    assertThat(e.code()).isEqualTo("AE");
    assertThat(e.at()).isEqualTo(NOW);
    assertThat(e.rawId()).isEqualTo("raw-1");
    assertThat(e.errors())
        .containsExactly(
            new NegativeAcks.Error("OBX^5^5", "102", "not-numeric: \"abc\" is not a number"),
            new NegativeAcks.Error("OBX^6^6", "103", "unit-unknown"));
    assertThat(store.negativeAcks().find(null, "VB-1", null, 10))
        .extracting(NegativeAcks.Entry::code)
        .containsExactly("AR");
    assertThat(store.negativeAcks().find(null, null, NOW.plusSeconds(1), 10))
        .extracting(NegativeAcks.Entry::peer)
        .containsExactly("ehr");
    assertThat(store.negativeAcks().find(null, null, null, 10)).hasSize(2);
  }
}
