package org.vitalbridge.store;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.vitalbridge.store.TestPipeline.payload;
import static org.vitalbridge.store.TestPipeline.raw;
import static org.vitalbridge.store.TestPipeline.spo2;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.core.testkit.MutableClock;

/**
 * What operators do through the HTTP API and the console, on every backend: filter and discard
 * quarantine entries, reprocess chosen messages, search the journal, pause and resume a destination
 * and read its status, and the rates the console shows.
 */
abstract class OperationsContract {
  static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
  static final Instant FAR_PAST = Instant.parse("2000-01-01T00:00:00Z");
  static final Instant FAR_FUTURE = Instant.parse("2100-01-01T00:00:00Z");

  @TempDir Path tmp;

  final MutableClock clock = new MutableClock(NOW);
  private final List<Store> opened = new ArrayList<>();

  protected abstract StoreConfig config();

  protected void cleanUp() throws Exception {}

  @AfterEach
  final void closeStores() throws Exception {
    try {
      opened.forEach(Store::close);
    } finally {
      opened.clear();
      cleanUp();
    }
  }

  Store open(String... destinations) {
    Store s =
        Store.open(
            config().withDestinations(List.of(destinations)),
            TestPipeline.standard(),
            clock,
            new RetentionPolicy(null, null, 0, 0));
    opened.add(s);
    return s;
  }

  static void append(Store store, RawMessage... messages) throws Exception {
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    for (RawMessage m : messages) {
      futures.add(store.journal().append(m));
    }
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, SECONDS);
    store.pipeline().drain();
  }

  @Test
  void quarantineIsFilteredByReasonAndPagedBySeq() throws Exception {
    Store store = open();
    append(
        store,
        raw("r1", payload("D1", T0, "SpO2", "101", "%"), T0),
        raw("r2", payload("D1", T0, "Wibble", "5", "%"), T0),
        raw("r3", payload("D2", T0, "SpO2", "102", "%"), T0));

    List<QuarantineEntry> range = store.quarantine().find("out-of-range", true, 0, 10);
    assertThat(range).extracting(QuarantineEntry::rawId).containsExactly("r1", "r3");
    assertThat(store.quarantine().find(null, true, 0, 10)).hasSize(3);
    List<QuarantineEntry> page1 = store.quarantine().find(null, true, 0, 2);
    List<QuarantineEntry> page2 = store.quarantine().find(null, true, page1.get(1).seq(), 2);
    assertThat(page1).extracting(QuarantineEntry::rawId).containsExactly("r1", "r2");
    assertThat(page2).extracting(QuarantineEntry::rawId).containsExactly("r3");
    assertThat(store.quarantine().entry(range.get(0).seq())).contains(range.get(0));
    assertThat(store.quarantine().entry(9999)).isEmpty();
  }

  @Test
  void aDiscardedEntryLeavesTheOpenQuarantineWithItsReasonOnce() throws Exception {
    Store store = open();
    append(store, raw("d1", payload("D1", T0, "SpO2", "101", "%"), T0));
    QuarantineEntry e = store.quarantine().open(10).get(0);
    clock.advance(Duration.ofMinutes(1));

    assertThat(store.quarantine().discard(e.seq(), "test payload from biomed")).isTrue();
    assertThat(store.quarantine().discard(e.seq(), "again")).as("only once").isFalse();
    assertThat(store.quarantine().discard(9999, "none")).isFalse();

    assertThat(store.quarantine().openCount()).isZero();
    QuarantineEntry discarded = store.quarantine().entry(e.seq()).orElseThrow();
    assertThat(discarded.isOpen()).isFalse();
    assertThat(discarded.resolution()).isEqualTo(Quarantine.DISCARDED);
    assertThat(discarded.resolutionNote()).isEqualTo("test payload from biomed");
    assertThat(discarded.resolvedAt()).isEqualTo(NOW.plus(Duration.ofMinutes(1)));
    assertThat(store.quarantine().find(null, false, 0, 10)).containsExactly(discarded);
    // Reprocessing everything rejected does not bring a discarded message back.
    assertThat(store.reprocessor().rejected(TestPipeline.standard()).messages()).isZero();
  }

  @Test
  void chosenMessagesAreReprocessedAndTheirEntriesMarkedReprocessed() throws Exception {
    Store store = open();
    append(
        store,
        raw("c1", payload("D1", T0, "SatX", "96", "%"), T0),
        raw("c2", payload("D1", T0.plusSeconds(1), "SatX", "95", "%"), T0));
    List<QuarantineEntry> open = store.quarantine().open(10);
    MessageProcessor fixed =
        TestPipeline.withOverrides(
            List.of(TestPipeline.resource("terminology/satx-override.yaml")));

    ReprocessReport report =
        store.reprocessor().messages(fixed, List.of(open.get(0).rawSeq(), 12345L));

    assertThat(report).isEqualTo(new ReprocessReport(1, 1, 0));
    assertThat(store.quarantine().open(10))
        .extracting(QuarantineEntry::rawId)
        .containsExactly("c2");
    assertThat(store.quarantine().entry(open.get(0).seq()).orElseThrow().resolution())
        .isEqualTo(Quarantine.REPROCESSED);
    assertThat(store.reprocessor().messages(fixed, List.of()))
        .isEqualTo(new ReprocessReport(0, 0, 0));
  }

  @Test
  void theJournalIsSearchedByDeviceTimeAndState() throws Exception {
    Store store = open();
    RawMessage viaChannel =
        new RawMessage(
            "s3",
            "{}".getBytes(StandardCharsets.UTF_8),
            "application/json; template=\"nope\"; device=\"D_9\"",
            "mqtt",
            "10.0.0.9:5000",
            null,
            T0.plusSeconds(30));
    append(
        store,
        spo2("s1", "D1", T0, 97),
        raw("s2", payload("D2", T0, "SpO2", "101", "%"), T0.plusSeconds(10)),
        viaChannel);

    RawMessageSearch search = store.rawMessages();
    assertThat(ids(search.find(new RawMessageQuery(null, null, FAR_PAST, FAR_FUTURE, 0, 10))))
        .containsExactly("s1", "s2", "s3");
    assertThat(ids(search.find(new RawMessageQuery("D1", null, FAR_PAST, FAR_FUTURE, 0, 10))))
        .as("by a measurement of the device")
        .containsExactly("s1");
    assertThat(ids(search.find(new RawMessageQuery("D_9", null, FAR_PAST, FAR_FUTURE, 0, 10))))
        .as("by the device its channel named, '_' not a wildcard")
        .containsExactly("s3");
    assertThat(ids(search.find(new RawMessageQuery("DX9", null, FAR_PAST, FAR_FUTURE, 0, 10))))
        .isEmpty();
    assertThat(ids(search.find(new RawMessageQuery(null, "rejected", FAR_PAST, FAR_FUTURE, 0, 10))))
        .containsExactly("s2", "s3");
    List<StoredRaw> early =
        search.find(new RawMessageQuery(null, null, FAR_PAST, T0.plusSeconds(5), 0, 10));
    assertThat(ids(early)).containsExactly("s1");
    assertThat(
            ids(
                search.find(
                    new RawMessageQuery(null, null, FAR_PAST, FAR_FUTURE, early.get(0).seq(), 1))))
        .containsExactly("s2");
    assertThat(search.byId("s3").orElseThrow().message()).isEqualTo(viaChannel);
    assertThat(search.byId("none")).isEmpty();
    assertThat(store.quarantine().openPerDevice()).containsEntry("D_9", 1L);
    assertThat(store.quarantine().openPerAdapter()).containsEntry("mqtt", 1L);
  }

  @Test
  void aPausedDestinationHasNothingDueUntilResumedAndReportsItsStatus() throws Exception {
    Store store = open("fhir", "hl7");
    append(store, spo2("p1", "D1", T0, 97), spo2("p2", "D1", T0.plusSeconds(1), 96));

    assertThat(store.outbox().destinations()).containsExactly("fhir", "hl7");
    assertThat(store.outbox().pause("fhir", "EHR maintenance")).isTrue();
    assertThat(store.outbox().pause("fhir", "again")).isFalse();
    assertThat(store.outbox().due("fhir", 10)).isEmpty();
    assertThat(store.outbox().due("hl7", 10)).as("others flow").hasSize(2);
    DestinationStatus paused = store.outbox().status("fhir");
    assertThat(paused.paused()).isTrue();
    assertThat(paused.pauseReason()).isEqualTo("EHR maintenance");
    assertThat(paused.pausedAt()).isEqualTo(NOW);
    assertThat(paused.backlog()).isEqualTo(2);

    assertThat(store.outbox().resume("fhir")).isTrue();
    assertThat(store.outbox().resume("fhir")).isFalse();
    List<OutboxEntry> due = store.outbox().due("fhir", 10);
    assertThat(due).hasSize(2);
    store.outbox().delivered(due.subList(0, 1));
    store.outbox().deadLetter(due.subList(1, 2), "HTTP 422: bad code");
    DestinationStatus s = store.outbox().status("fhir");
    assertThat(s)
        .isEqualTo(
            new DestinationStatus("fhir", 0, 0, 1, 1, "HTTP 422: bad code", NOW, null, null));
    assertThat(store.outbox().status("none"))
        .isEqualTo(new DestinationStatus("none", 0, 0, 0, 0, null, null, null, null));
  }

  @Test
  void ratesCountMeasurementsReceivedSinceAnInstantPerAdapterAndDevice() throws Exception {
    Store store = open();
    append(
        store,
        spo2("a1", "D1", T0, 97),
        spo2("a2", "D1", T0.plusSeconds(60), 96),
        spo2("a3", "D2", T0.plusSeconds(120), 95));

    assertThat(store.measurements().receivedPerAdapter(FAR_PAST)).containsEntry("test", 3L);
    assertThat(store.measurements().receivedPerDevice(T0.plusSeconds(30)))
        .containsExactly(java.util.Map.entry("D1", 1L), java.util.Map.entry("D2", 1L));
    assertThat(store.measurements().receivedPerDevice(FAR_FUTURE)).isEmpty();
  }

  private static List<String> ids(List<StoredRaw> raws) {
    return raws.stream().map(r -> r.message().id()).toList();
  }
}
