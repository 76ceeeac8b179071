package org.vitalbridge.store;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vitalbridge.store.TestPipeline.payload;
import static org.vitalbridge.store.TestPipeline.raw;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;
import org.vitalbridge.core.pipeline.JsonTemplateDecoder;
import org.vitalbridge.core.testkit.MutableClock;

/**
 * What adapters that answer their senders rely on, on every backend: the ingestor's receipts,
 * refusals kept in quarantine, device presence, idempotency keys and the live feed.
 */
abstract class IngestContract {
  static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
  static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

  @TempDir Path tmp;

  final MutableClock clock = new MutableClock(NOW);
  private final List<Store> opened = new ArrayList<>();

  protected abstract StoreConfig config();

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

  Store open(StoreConfig config) {
    Store s =
        Store.open(config, TestPipeline.standard(), clock, new RetentionPolicy(null, null, 0, 0));
    opened.add(s);
    return s;
  }

  @Test
  void aReceiptNamesTheMeasurementsOnlyOnceTheMessageIsCommitted() throws Exception {
    Store store = open(config());
    store.pipeline().start();
    RawMessage raw = raw("r1", payload("D1", T0, "SpO2", "97", "%"), NOW);

    Ingestor.Receipt receipt = store.ingestor().submit(raw).get(10, SECONDS);

    assertThat(receipt.rawId()).isEqualTo("r1");
    assertThat(receipt.measurementIds()).hasSize(1);
    assertThat(receipt.anyStored()).isTrue();
    assertThat(receipt.wholeRejected()).isFalse();
    assertThat(store.quarantine().raw(1)).isPresent();
    await()
        .atMost(10, SECONDS)
        .until(
            () ->
                store
                    .measurements()
                    .byId(java.util.UUID.fromString(receipt.measurementIds().get(0)))
                    .isPresent());
  }

  @Test
  void aResubmittedMessageIsJournaledAndStoredOnce() throws Exception {
    Store store = open(config());
    store.pipeline().start();
    RawMessage raw = raw("same", payload("D1", T0, "SpO2", "97", "%"), NOW);

    Ingestor.Receipt first = store.ingestor().submit(raw).get(10, SECONDS);
    Ingestor.Receipt again = store.ingestor().submit(raw).get(10, SECONDS);

    assertThat(again.measurementIds()).isEqualTo(first.measurementIds());
    await().atMost(10, SECONDS).until(() -> store.measurements().count() == 1);
    assertThat(store.retention().usage().rawCount()).isEqualTo(1);
  }

  @Test
  void malformedBytesAreRejectedWholeAndQuarantinedWithTheirBytes() throws Exception {
    Store store = open(config());
    store.pipeline().start();
    byte[] bad = "{\"dev\": broken".getBytes(StandardCharsets.UTF_8);

    Ingestor.Receipt receipt =
        store.ingestor().submit(raw("bad", bad, "application/json", NOW)).get(10, SECONDS);

    assertThat(receipt.wholeRejected()).isTrue();
    assertThat(receipt.malformed()).isTrue();
    assertThat(receipt.rejections().get(0).rejection().reason())
        .isEqualTo(RejectionReason.MALFORMED_PAYLOAD);
    await().atMost(10, SECONDS).until(() -> store.quarantine().openCount() == 1);
    QuarantineEntry q = store.quarantine().open(10).get(0);
    assertThat(q.reason()).isEqualTo("malformed-payload");
    assertThat(store.quarantine().raw(q.rawSeq()).orElseThrow().message().payload()).isEqualTo(bad);
  }

  @Test
  void aRefusedMessageIsKeptAndQuarantinedWithItsReasonNotReadAsData() throws Exception {
    Store store = open(config());
    // Valid data under a topic no rule routes: it must not become a measurement, even when the
    // pipeline decodes it again after a restart (the remembered outcome is gone then).
    byte[] valid = payload("D1", T0, "SpO2", "97", "%").getBytes(StandardCharsets.UTF_8);
    Rejection why = new Rejection(RejectionReason.UNROUTED, "topic", "no rule routes topic 'x/y'");

    Ingestor.Receipt receipt =
        store
            .ingestor()
            .refuse(raw("refused", valid, "application/json", NOW), why)
            .get(10, SECONDS);
    assertThat(receipt.malformed()).isTrue();

    Store reopened = reopen(store);
    reopened.pipeline().drain();
    assertThat(reopened.measurements().count()).isZero();
    QuarantineEntry q = reopened.quarantine().open(10).get(0);
    assertThat(q.stage()).isEqualTo("receive");
    assertThat(q.reason()).isEqualTo("unrouted");
    assertThat(q.field()).isEqualTo("topic");
    assertThat(q.detail()).isEqualTo("no rule routes topic 'x/y'");
    assertThat(reopened.quarantine().raw(q.rawSeq()).orElseThrow().message().payload())
        .isEqualTo(valid);
  }

  @Test
  void refusedBytesOverTheLimitKeepTheirHeadAndSaySo() throws Exception {
    Store store = open(config().withMaxPayloadBytes(64));
    byte[] big = new byte[200];
    java.util.Arrays.fill(big, (byte) 'x');

    store
        .ingestor()
        .refuse(
            raw("big", big, "application/json", NOW),
            new Rejection(RejectionReason.PAYLOAD_TOO_LARGE, null, "200 bytes over the limit"))
        .get(10, SECONDS);
    store.pipeline().drain();

    QuarantineEntry q = store.quarantine().open(10).get(0);
    assertThat(q.reason()).isEqualTo("payload-too-large");
    assertThat(q.detail()).contains("first 64 of 200 bytes");
    assertThat(store.quarantine().raw(q.rawSeq()).orElseThrow().message().size()).isEqualTo(64);
  }

  @Test
  void aChannelNamedTemplateAndDeviceMapAPayloadWithoutThem() throws Exception {
    Store store = open(config());
    // The payload names no device; the channel (topic devices/D9/test-json) does.
    String body =
        "{\"ts\":\"2026-11-20T10:00:00Z\",\"label\":\"SpO2\",\"value\":96,\"unit\":\"%\"}";
    RawMessage raw =
        raw(
            "channel",
            body.getBytes(StandardCharsets.UTF_8),
            JsonTemplateDecoder.contentType("test-json", "D9"),
            NOW);

    Ingestor.Receipt receipt = store.ingestor().submit(raw).get(10, SECONDS);
    assertThat(receipt.anyStored()).isTrue();
    Store reopened = reopen(store);
    reopened.pipeline().drain();
    assertThat(reopened.measurements().count()).isEqualTo(1);
    assertThat(
            reopened
                .measurements()
                .byId(java.util.UUID.fromString(receipt.measurementIds().get(0)))
                .orElseThrow()
                .device())
        .isEqualTo("D9");
  }

  @Test
  void presenceKeepsTheLatestChangeAndIgnoresOlderReports() {
    Store store = open(config());
    Instant t1 = NOW.minusSeconds(60);
    Instant t2 = NOW.minusSeconds(30);

    store.devices().presence("PO-1", "mqtt", true, t1, "connect");
    store.devices().presence("PO-1", "mqtt", false, t2, "will");
    store.devices().presence("PO-1", "mqtt", true, t1.minusSeconds(5), "connect");

    Devices.DeviceState s = store.devices().find("PO-1").orElseThrow();
    assertThat(s.connectionState()).isEqualTo(Devices.OFFLINE);
    assertThat(s.stateChangedAt()).isEqualTo(t2);
    assertThat(s.stateReason()).isEqualTo("will");
    assertThat(s.lastSeen()).isEqualTo(t2);
    assertThat(store.devices().list()).extracting(Devices.DeviceState::id).containsExactly("PO-1");
    assertThat(store.devices().find("nobody")).isEmpty();
  }

  @Test
  void anIdempotencyKeyKeepsTheFirstAnswerForADay() {
    Store store = open(config());
    byte[] first = "{\"status\":\"accepted\"}".getBytes(StandardCharsets.UTF_8);

    assertThat(store.idempotency().save("k1", "fp", 202, "application/json", first)).isTrue();
    assertThat(store.idempotency().save("k1", "fp", 400, "application/json", new byte[] {1}))
        .isFalse();
    IdempotencyKeys.Answer a = store.idempotency().find("k1").orElseThrow();
    assertThat(a.status()).isEqualTo(202);
    assertThat(a.body()).isEqualTo(first);
    assertThat(a.fingerprint()).isEqualTo("fp");

    clock.advance(IdempotencyKeys.TTL.plus(Duration.ofMinutes(1)));
    assertThat(store.idempotency().find("k1")).isEmpty();
    assertThat(store.idempotency().save("k1", "fp2", 201, "application/json", first)).isTrue();
    clock.advance(IdempotencyKeys.TTL.plus(Duration.ofMinutes(1)));
    store.retention().purge();
    assertThat(store.idempotency().save("k1", "fp3", 200, "application/json", first)).isTrue();
  }

  @Test
  void theFeedOffersEachCommittedMeasurementWithItsPatient() throws Exception {
    Store store = open(config());
    List<Measurement> seen = new CopyOnWriteArrayList<>();
    AutoCloseable subscription = store.feed().subscribe(seen::add);
    store.associations().associate(null, "ICU-1", "P1", "E1", T0.minusSeconds(3600), "adt");

    store
        .ingestor()
        .submit(raw("fed", payload("D1", T0, "SpO2", "97", "%", "ICU-1"), NOW))
        .get(10, SECONDS);
    store.pipeline().drain();

    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).subject()).isEqualTo("P1");
    subscription.close();
    store
        .ingestor()
        .submit(raw("unfed", payload("D1", T0.plusSeconds(1), "SpO2", "98", "%"), NOW))
        .get(10, SECONDS);
    store.pipeline().drain();
    assertThat(seen).hasSize(1);
  }

  @Test
  void aThrowingFeedListenerDoesNotStallThePipeline() throws Exception {
    Store store = open(config());
    store
        .feed()
        .subscribe(
            m -> {
              throw new IllegalStateException("broken view");
            });
    store.ingestor().submit(raw("r", payload("D1", T0, "SpO2", "97", "%"), NOW)).get(10, SECONDS);
    store.pipeline().drain();
    assertThat(store.measurements().count()).isEqualTo(1);
  }

  private Store reopen(Store store) {
    store.close();
    opened.remove(store);
    return open(config());
  }
}
