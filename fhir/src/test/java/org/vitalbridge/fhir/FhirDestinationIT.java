package org.vitalbridge.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.vitalbridge.fhir.FhirTestPipeline.MDC_HEART_RATE;
import static org.vitalbridge.fhir.FhirTestPipeline.MDC_NIBP_DIA;
import static org.vitalbridge.fhir.FhirTestPipeline.MDC_NIBP_MEAN;
import static org.vitalbridge.fhir.FhirTestPipeline.MDC_NIBP_SYS;
import static org.vitalbridge.fhir.FhirTestPipeline.MDC_SPO2;
import static org.vitalbridge.fhir.FhirTestPipeline.bloodPressure;
import static org.vitalbridge.fhir.FhirTestPipeline.expectedId;
import static org.vitalbridge.fhir.FhirTestPipeline.raw;
import static org.vitalbridge.fhir.FhirTestPipeline.reading;

import ca.uhn.fhir.context.FhirContext;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vitalbridge.core.testkit.MutableClock;
import org.vitalbridge.store.Outbox;
import org.vitalbridge.store.OutboxEntry;
import org.vitalbridge.store.RetentionPolicy;
import org.vitalbridge.store.Store;
import org.vitalbridge.store.StoreConfig;

/**
 * The FHIR destination end to end over real sockets: raw JSON payloads are journaled in a real
 * SQLite store, processed by the real pipeline (template decoder + harmonizer), queued in the
 * outbox, and delivered by {@link FhirDestination} to a HAPI FHIR server on Jetty ({@link
 * InMemoryFhirServer}). Time is a {@link MutableClock} shared by the store and the destination, so
 * backoff is stepped over instead of slept through; delivery is driven by {@code deliverOnce()}
 * except where the background loop itself is under test.
 */
class FhirDestinationIT {
  private static final String FHIR = "fhir";
  private static final String REPLAY = "fhir-replay";
  private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  private static final String LOINC = "http://loinc.org";

  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-20T12:00:00Z"));
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private InMemoryFhirServer fhir;
  private Store store;
  private Outbox outbox;
  private int rawCounter;

  @BeforeEach
  void setUp() {
    fhir = InMemoryFhirServer.started();
    store =
        Store.open(
            StoreConfig.sqlite(dir.resolve("vitalbridge.db"))
                .withDestinations(List.of(FHIR, REPLAY)),
            FhirTestPipeline.processor(),
            clock,
            RetentionPolicy.DEFAULT);
    outbox = store.outbox();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    store.close();
    fhir.close();
  }

  // --- result status --------------------------------------------------------------------

  @Test
  void aPreliminaryThenFinalThenRetractedResultUpdatesOneObservationInPlace() throws Exception {
    FhirDestination destination = destination(FHIR, 10);
    UUID id = expectedId("MON-1", MDC_SPO2, T0, "97", "%");

    journalStatus("97", "preliminary");
    drain(1);
    assertThat(destination.deliverOnce()).isEqualTo(1);
    Observation first = single(fhir.observationsByIdentifier(urn(id)));
    assertThat(first.getStatus()).isEqualTo(Observation.ObservationStatus.PRELIMINARY);
    assertThat(first.getMeta().getVersionId()).isEqualTo("1");
    String resource = first.getIdElement().getIdPart();

    journalStatus("97", "final");
    drain(1);
    assertThat(destination.deliverOnce()).isEqualTo(1);
    Observation second = single(fhir.observationsByIdentifier(urn(id)));
    assertThat(second.getIdElement().getIdPart()).as("the same resource").isEqualTo(resource);
    assertThat(second.getMeta().getVersionId()).as("a new version of it").isEqualTo("2");
    assertThat(second.getStatus()).isEqualTo(Observation.ObservationStatus.FINAL);

    // The device retracts the reading without repeating its value (HL7 OBX-11 D, empty OBX-5).
    journalStatus("", "entered-in-error");
    drain(1);
    assertThat(destination.deliverOnce()).isEqualTo(1);
    Observation third = single(fhir.observationsByIdentifier(urn(id)));
    assertThat(third.getIdElement().getIdPart()).isEqualTo(resource);
    assertThat(third.getMeta().getVersionId()).isEqualTo("3");
    assertThat(third.getStatus()).isEqualTo(Observation.ObservationStatus.ENTEREDINERROR);
    assertThat(third.getValueQuantity().getValue()).isEqualByComparingTo("97");

    assertThat(fhir.observationCount()).isEqualTo(1);
    assertThat(fhir.writeCount(urn(id))).isEqualTo(3);
    assertThat(fhir.conditionalMatches()).isEqualTo(2);
    assertThat(observationRequests())
        .containsExactly(
            "POST Observation",
            "PUT Observation?identifier=urn:ietf:rfc:3986|" + urn(id),
            "PUT Observation?identifier=urn:ietf:rfc:3986|" + urn(id));
    assertThat(store.measurements().byId(id).orElseThrow().status()).isEqualTo("entered-in-error");
    assertThat(outbox.backlog(FHIR)).isZero();
    assertEveryReferenceResolves();
  }

  /** An SpO2 reading of MON-1 at T0 with a result status (an empty value: a retraction). */
  private void journalStatus(String value, String status) throws Exception {
    store
        .journal()
        .append(
            FhirTestPipeline.withStatus(
                "raw-" + (++rawCounter), "MON-1", T0, "SpO2", value, "%", status, T0))
        .get(10, TimeUnit.SECONDS);
  }

  private static Observation single(List<Observation> observations) {
    assertThat(observations).hasSize(1);
    return observations.get(0);
  }

  /** The method and url of every Observation entry of every transaction the server received. */
  private List<String> observationRequests() {
    List<String> out = new ArrayList<>();
    for (InMemoryFhirServer.RecordedRequest r : fhir.requests()) {
      if (r.method().equals("POST") && r.path().equals("/fhir")) {
        Bundle b =
            FhirContext.forR4Cached()
                .newJsonParser()
                .parseResource(Bundle.class, new String(r.body(), StandardCharsets.UTF_8));
        for (Bundle.BundleEntryComponent e : b.getEntry()) {
          if (e.getResource() instanceof Observation) {
            out.add(e.getRequest().getMethod().toCode() + " " + e.getRequest().getUrl());
          }
        }
      }
    }
    return out;
  }

  // --- exactly once ---------------------------------------------------------------------

  @Test
  void aBacklogBuiltDuringAnOutageArrivesExactlyOnceAndAResendDuplicatesNothing() throws Exception {
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ids.add(journalReading(i % 2 == 0 ? "MON-1" : "MON-2", T0.plusSeconds(10L * i), i));
    }
    drain(20);
    FhirDestination destination = destination(FHIR, 5);

    assertThat(destination.deliverOnce()).isEqualTo(5);
    assertThat(destination.deliverOnce()).isEqualTo(5);
    assertThat(fhir.observationCount()).isEqualTo(10);

    fhir.stop();
    Instant failedAt = clock.instant();
    assertThat(destination.deliverOnce()).as("server down: nothing leaves the queue").isZero();
    assertThat(outbox.backlog(FHIR)).isEqualTo(10);
    Instant retry = outbox.nextAttempt(FHIR).orElseThrow();
    assertThat(retry).isBetween(failedAt.plusMillis(500), failedAt.plusMillis(1000));
    assertThat(outbox.due(FHIR, 100)).as("backing off: nothing is due").isEmpty();
    clock.set(retry.minusMillis(1));
    assertThat(outbox.due(FHIR, 100)).isEmpty();
    clock.set(retry);
    List<OutboxEntry> due = outbox.due(FHIR, 5);
    assertThat(due).hasSize(5).allSatisfy(e -> assertThat(e.attempts()).isEqualTo(1));
    assertThat(due.get(0).measurement().id()).isEqualTo(ids.get(10));

    Instant secondFailure = clock.instant();
    assertThat(destination.deliverOnce()).isZero();
    assertThat(outbox.nextAttempt(FHIR).orElseThrow())
        .as("the backoff doubles")
        .isBetween(secondFailure.plusMillis(1000), secondFailure.plusMillis(2000));
    assertThat(outbox.backlog(FHIR)).isEqualTo(10);

    fhir.start();
    deliverAll(destination, FHIR);

    assertThat(outbox.backlog(FHIR)).isZero();
    assertThat(fhir.observationCount()).isEqualTo(20);
    for (UUID id : ids) {
      assertThat(fhir.observationsByIdentifier(urn(id))).as("measurement %s", id).hasSize(1);
      assertThat(fhir.writeCount(urn(id))).as("posts of %s", id).isEqualTo(1);
    }
    assertThat(fhir.devices()).hasSize(2);
    assertThat(fhir.provenances()).hasSize(20);
    assertThat(fhir.conditionalMatches()).isZero();

    // A deliberate resend of everything (another outbox destination, other batch size, same
    // server): conditional creates match, nothing is duplicated.
    FhirDestination resend = destination(REPLAY, 7);
    deliverAll(resend, REPLAY);

    assertThat(outbox.backlog(REPLAY)).isZero();
    assertThat(fhir.observationCount()).isEqualTo(20);
    for (UUID id : ids) {
      assertThat(fhir.observationsByIdentifier(urn(id))).hasSize(1);
      assertThat(fhir.writeCount(urn(id))).as("really resent").isEqualTo(2);
    }
    assertThat(fhir.conditionalMatches()).isEqualTo(20);
    assertThat(fhir.devices()).as("devices are conditional updates").hasSize(2);
    assertThat(fhir.provenances()).as("provenance ids are deterministic").hasSize(20);
    assertEveryReferenceResolves();
  }

  @Test
  void aCommittedTransactionWhoseResponseIsLostIsResentWithoutDuplicates() throws Exception {
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(journalReading("MON-1", T0.plusSeconds(i), i));
    }
    drain(3);
    FhirDestination destination = destination(FHIR, 10);
    fhir.failAfterCommit(1);

    assertThat(destination.deliverOnce()).isZero();
    assertThat(fhir.observationCount()).as("the server committed").isEqualTo(3);
    assertThat(outbox.backlog(FHIR)).as("but the destination could not know").isEqualTo(3);

    deliverAll(destination, FHIR);

    assertThat(fhir.observationCount()).isEqualTo(3);
    for (UUID id : ids) {
      assertThat(fhir.observationsByIdentifier(urn(id))).hasSize(1);
      assertThat(fhir.writeCount(urn(id))).isEqualTo(2);
    }
    assertThat(fhir.conditionalMatches()).isEqualTo(3);
  }

  // --- blood pressure -------------------------------------------------------------------

  @Test
  void aBloodPressureCycleArrivesAsOnePanelObservationWithComponents() throws Exception {
    journal(bloodPressure("BP-1", T0, 120, 80, 93), T0.plusSeconds(1));
    journal(bloodPressure("BP-1", T0.plusSeconds(60), 118, 76, null), T0.plusSeconds(61));
    drain(5);
    FhirDestination destination = destination(FHIR, 50);

    assertThat(destination.deliverOnce()).isEqualTo(5);

    assertThat(fhir.observationCount()).isEqualTo(2);
    List<Observation> panels =
        fhir.observations().stream().filter(o -> hasLoinc(o, VitalSigns.BP_PANEL)).toList();
    assertThat(panels).hasSize(2);
    assertThat(fhir.observations()).noneMatch(o -> hasLoinc(o, "8480-6") || hasLoinc(o, "8462-4"));

    Observation full = panelAt(panels, T0);
    assertThat(components(full)).containsExactly("8480-6=120", "8462-4=80", "8478-0=93");
    assertThat(full.getComponent())
        .allSatisfy(
            c -> {
              assertThat(c.getValueQuantity().getSystem()).isEqualTo("http://unitsofmeasure.org");
              assertThat(c.getValueQuantity().getCode()).isEqualTo("mm[Hg]");
            });
    assertThat(components(panelAt(panels, T0.plusSeconds(60))))
        .containsExactly("8480-6=118", "8462-4=76");

    // Each member's own measurement id finds the panel (secondary identifiers).
    UUID sys = expectedId("BP-1", MDC_NIBP_SYS, T0, "120", "mm[Hg]");
    UUID dia = expectedId("BP-1", MDC_NIBP_DIA, T0, "80", "mm[Hg]");
    UUID mean = expectedId("BP-1", MDC_NIBP_MEAN, T0, "93", "mm[Hg]");
    for (UUID member : List.of(sys, dia, mean)) {
      assertThat(fhir.observationsByIdentifier(urn(member))).containsExactly(full);
    }

    Device device = (Device) fhir.read(full.getDevice().getReference());
    assertThat(device).as("Observation.device rewritten to the stored Device").isNotNull();
    assertThat(device.getIdentifierFirstRep().getValue()).isEqualTo("BP-1");
    String fullRef = "Observation/" + full.getIdElement().getIdPart();
    assertThat(fhir.provenances())
        .anySatisfy(
            p -> assertThat(p.getTarget()).extracting(Reference::getReference).contains(fullRef));
    assertEveryReferenceResolves();

    // A resend is harmless for panels too.
    deliverAll(destination(REPLAY, 50), REPLAY);
    assertThat(fhir.observationCount()).isEqualTo(2);
  }

  @Test
  void retractingOneMemberOfABloodPressureReadingRetractsItsPanelNotALooseObservation()
      throws Exception {
    journal(bloodPressure("BP-1", T0, 120, 80, 93), T0.plusSeconds(1));
    drain(3);
    FhirDestination destination = destination(FHIR, 50);
    assertThat(destination.deliverOnce()).isEqualTo(3);
    Observation panel = single(fhir.observations());
    String resource = panel.getIdElement().getIdPart();

    // The monitor retracts the systolic value alone (HL7 OBX-11 W on that row).
    store
        .journal()
        .append(
            FhirTestPipeline.withStatus(
                "raw-w",
                "BP-1",
                T0,
                "MDC_PRESS_BLD_NONINV_SYS",
                "120",
                "mm[Hg]",
                "entered-in-error",
                T0.plusSeconds(30)))
        .get(10, TimeUnit.SECONDS);
    store.pipeline().drain();
    assertThat(destination.deliverOnce()).isEqualTo(1);

    Observation retracted = single(fhir.observations());
    assertThat(retracted.getIdElement().getIdPart()).as("the same panel").isEqualTo(resource);
    assertThat(retracted.getMeta().getVersionId()).isEqualTo("2");
    assertThat(retracted.getStatus()).isEqualTo(Observation.ObservationStatus.ENTEREDINERROR);
    assertThat(components(retracted)).containsExactly("8480-6=120", "8462-4=80", "8478-0=93");
    assertThat(outbox.backlog(FHIR)).isZero();
    assertEveryReferenceResolves();
  }

  @Test
  void aBloodPressureCycleIsOnePanelEvenWhenItStraddlesABatchBoundary() throws Exception {
    journalReading("MON-1", T0, 0);
    journal(bloodPressure("BP-1", T0, 120, 80, 93), T0.plusSeconds(1));
    drain(4);
    FhirDestination destination = destination(FHIR, 2);

    deliverAll(destination, FHIR);

    assertThat(outbox.backlog(FHIR)).isZero();
    assertThat(fhir.observations())
        .as(
            "SpO2 + one BP cycle with maxBatch 2: the outbox holds [SpO2, sys | dia, mean]; the"
                + " cycle must still arrive as one 85354-9 panel, not as loose parts")
        .extracting(FhirDestinationIT::primaryLoinc)
        .containsExactlyInAnyOrder("59408-5", VitalSigns.BP_PANEL);
  }

  @Test
  void aCycleDeliveredInPartsIsNotStoredAgainWhenResentWhole() throws Exception {
    journalReading("MON-1", T0, 0);
    journal(bloodPressure("BP-1", T0, 120, 80, 93), T0.plusSeconds(1));
    drain(4);
    deliverAll(destination(FHIR, 2), FHIR);
    int afterFirstDelivery = fhir.observationCount();

    // The same measurements resent (replay destination, larger batches): a resend must be
    // harmless whatever the batching was.
    deliverAll(destination(REPLAY, 50), REPLAY);

    for (int mdc : new int[] {MDC_NIBP_SYS, MDC_NIBP_DIA, MDC_NIBP_MEAN}) {
      String value = mdc == MDC_NIBP_SYS ? "120" : mdc == MDC_NIBP_DIA ? "80" : "93";
      UUID id = expectedId("BP-1", mdc, T0, value, "mm[Hg]");
      assertThat(fhir.observationsByIdentifier(urn(id)))
          .as("Observations on the server carrying measurement %s (MDC %d)", id, mdc)
          .hasSize(1);
    }
    assertThat(fhir.observationCount()).isEqualTo(afterFirstDelivery);
  }

  // --- ordering -------------------------------------------------------------------------

  @Test
  void observationsArriveInJournalOrderAcrossBatchesAndRetries() throws Exception {
    // Journal order deliberately differs from observation-time order.
    List<UUID> journalOrder = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String device = "MON-" + (i % 3);
      Instant ts = T0.plusSeconds(600L - 37L * i + (i % 2 == 0 ? 0 : 900));
      journalOrder.add(journalReading(device, ts, i));
    }
    drain(12);
    FhirDestination destination = destination(FHIR, 4);

    assertThat(destination.deliverOnce()).isEqualTo(4);
    fhir.respond500(1);
    assertThat(destination.deliverOnce()).isZero();
    fhir.stop();
    clock.set(outbox.nextAttempt(FHIR).orElseThrow());
    assertThat(destination.deliverOnce()).isZero();
    fhir.start();
    deliverAll(destination, FHIR);

    assertThat(fhir.creationOrder())
        .containsExactlyElementsOf(journalOrder.stream().map(FhirDestinationIT::urn).toList());
  }

  // --- 429 and 5xx ----------------------------------------------------------------------

  @ParameterizedTest(name = "Retry-After: {0}")
  @ValueSource(ints = {1, 30})
  void a429IsRetriedNoEarlierThanItsRetryAfter(int retryAfterSeconds) throws Exception {
    for (int i = 0; i < 3; i++) {
      journalReading("MON-1", T0.plusSeconds(i), i);
    }
    drain(3);
    FhirDestination destination = destination(FHIR, 10);
    fhir.respond429(1, retryAfterSeconds);
    Instant refusedAt = clock.instant();

    assertThat(destination.deliverOnce()).isZero();
    assertThat(fhir.transactionsAnswered(429)).isEqualTo(1);
    assertThat(fhir.observationCount()).isZero();
    assertThat(outbox.backlog(FHIR)).isEqualTo(3);

    Instant allowed = refusedAt.plusSeconds(retryAfterSeconds);
    Instant next = outbox.nextAttempt(FHIR).orElseThrow();
    assertThat(next)
        .as("the next attempt is scheduled no earlier than the server's Retry-After")
        .isAfterOrEqualTo(allowed)
        .isBefore(allowed.plusSeconds(60));
    clock.set(allowed.minusMillis(1));
    assertThat(outbox.due(FHIR, 10)).as("not due before Retry-After").isEmpty();
    clock.set(next);
    assertThat(outbox.due(FHIR, 10)).hasSize(3);

    assertThat(destination.deliverOnce()).isEqualTo(3);
    assertThat(fhir.observationCount()).isEqualTo(3);
    assertThat(fhir.transactionRequests()).isEqualTo(2);
  }

  @Test
  void a5xxIsRetriedWithGrowingBackoffThenDelivered() throws Exception {
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(journalReading("MON-1", T0.plusSeconds(i), i));
    }
    drain(3);
    FhirDestination destination = destination(FHIR, 10);
    fhir.respond500(2);

    Instant first = clock.instant();
    assertThat(destination.deliverOnce()).isZero();
    Instant retry1 = outbox.nextAttempt(FHIR).orElseThrow();
    assertThat(retry1).isBetween(first.plusMillis(500), first.plusMillis(1000));
    assertThat(outbox.due(FHIR, 10)).isEmpty();
    assertThat(destination.deliverOnce()).as("nothing is due, nothing is sent").isZero();
    assertThat(fhir.transactionRequests()).isEqualTo(1);

    clock.set(retry1);
    assertThat(destination.deliverOnce()).isZero();
    Instant retry2 = outbox.nextAttempt(FHIR).orElseThrow();
    assertThat(retry2).isBetween(retry1.plusMillis(1000), retry1.plusMillis(2000));
    assertThat(outbox.due(FHIR, 10)).isEmpty();

    clock.set(retry2);
    assertThat(outbox.due(FHIR, 10)).allSatisfy(e -> assertThat(e.attempts()).isEqualTo(2));
    assertThat(destination.deliverOnce()).isEqualTo(3);

    assertThat(fhir.transactionsAnswered(500)).isEqualTo(2);
    assertThat(fhir.transactionRequests()).isEqualTo(3);
    assertThat(outbox.backlog(FHIR)).isZero();
    for (UUID id : ids) {
      assertThat(fhir.observationsByIdentifier(urn(id))).hasSize(1);
    }
  }

  // --- 4xx: split and dead-letter -------------------------------------------------------

  @Test
  void aRefusedMeasurementIsDeadLetteredTheRestIsDeliveredAndReplayWorks() throws Exception {
    BigDecimal poison = new BigDecimal("13");
    fhir.refuse(poison);
    List<UUID> good = new ArrayList<>();
    UUID bad = null;
    for (int i = 0; i < 6; i++) {
      Instant ts = T0.plusSeconds(i);
      if (i == 3) {
        journal(reading("MON-1", ts, "SpO2", "13", "%"), ts.plusSeconds(1));
        bad = expectedId("MON-1", MDC_SPO2, ts, "13", "%");
      } else {
        good.add(journalReading("MON-1", ts, i));
      }
    }
    drain(6);
    FhirDestination destination = destination(FHIR, 10);

    assertThat(destination.deliverOnce()).as("5 delivered + 1 dead-lettered").isEqualTo(6);

    assertThat(fhir.observationCount()).isEqualTo(5);
    for (UUID id : good) {
      assertThat(fhir.observationsByIdentifier(urn(id))).hasSize(1);
    }
    assertThat(fhir.observationsByIdentifier(urn(bad))).isEmpty();
    List<Outbox.DeadLetter> dead = outbox.deadLetters(FHIR, 10);
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).measurementId()).isEqualTo(bad);
    assertThat(dead.get(0).reason())
        .contains("422")
        .contains(InMemoryFhirServer.refusalText(poison));
    assertThat(outbox.nextAttempt(FHIR)).as("the queue is not blocked").isEmpty();

    UUID later = journalReading("MON-1", T0.plusSeconds(100), 7);
    drain(1);
    assertThat(destination.deliverOnce()).isEqualTo(1);
    assertThat(fhir.observationsByIdentifier(urn(later))).hasSize(1);

    fhir.stopRefusing();
    assertThat(outbox.replayDeadLetters(FHIR)).isEqualTo(1);
    assertThat(destination.deliverOnce()).isEqualTo(1);

    assertThat(fhir.observationsByIdentifier(urn(bad))).hasSize(1);
    assertThat(outbox.deadLetters(FHIR, 10)).isEmpty();
    assertThat(outbox.backlog(FHIR)).isZero();
    assertThat(fhir.observationCount()).isEqualTo(7);
  }

  @Test
  void aTransientFailureWhileSplittingARefusedBatchDoesNotReorderTheRest() throws Exception {
    fhir.refuse(new BigDecimal("13"));
    UUID a = journalReading("MON-1", T0, 0);
    journal(reading("MON-1", T0.plusSeconds(1), "SpO2", "13", "%"), T0.plusSeconds(2));
    UUID b = journalReading("MON-1", T0.plusSeconds(2), 2);
    UUID c = journalReading("MON-1", T0.plusSeconds(3), 4);
    drain(4);
    FhirDestination destination = destination(FHIR, 10);
    // Request 1: the whole batch (422). Request 2: the first measurement alone — a 500.
    fhir.respond500OnRequest(2);

    deliverAll(destination, FHIR);

    assertThat(fhir.transactionsAnswered(500)).isEqualTo(1);
    assertThat(outbox.deadLetters(FHIR, 10)).hasSize(1);
    assertThat(fhir.creationOrder())
        .as("journal order a, b, c must survive a retryable failure of a during the split")
        .containsExactly(urn(a), urn(b), urn(c));
  }

  @Test
  void splittingARefusedBatchKeepsABloodPressureCycleOnePanel() throws Exception {
    fhir.refuse(new BigDecimal("13"));
    journal(bloodPressure("BP-1", T0, 120, 80, 93), T0.plusSeconds(1));
    journal(reading("MON-1", T0, "SpO2", "13", "%"), T0.plusSeconds(1));
    drain(4);
    FhirDestination destination = destination(FHIR, 10);

    assertThat(destination.deliverOnce()).isEqualTo(4);

    assertThat(outbox.deadLetters(FHIR, 10)).hasSize(1);
    assertThat(fhir.observations())
        .as("the good part of a refused batch is the BP cycle: it must still be one panel")
        .extracting(FhirDestinationIT::primaryLoinc)
        .containsExactly(VitalSigns.BP_PANEL);
  }

  // --- OAuth2 ---------------------------------------------------------------------------

  @Test
  void anExpiredOrRotatedTokenIsRefreshedOnceAndDeliveryGoesOn() throws Exception {
    String secret = "s3:cr/t+&=%";
    try (TestTokenServer tokens = TestTokenServer.withSecret(clock, "vb-edge", secret, 300)) {
      fhir.requireBearer(tokens::isValid);
      TokenSource source =
          ClientCredentialsTokenSource.withSecret(
              tokens.tokenUrl(), "vb-edge", secret, "system/Observation.write", clock);
      FhirDestination destination = destination(FHIR, 10, false, source);

      journalReading("MON-1", T0, 0);
      journalReading("MON-1", T0.plusSeconds(1), 1);
      drain(2);
      assertThat(destination.deliverOnce()).isEqualTo(2);
      assertThat(tokens.issued()).isEqualTo(1);
      TestTokenServer.TokenRequest first = tokens.requests().get(0);
      assertThat(first.granted()).as(String.valueOf(first.refusal())).isTrue();
      assertThat(first.form())
          .containsEntry("grant_type", "client_credentials")
          .containsEntry("scope", "system/Observation.write");
      assertThat(fhir.transactionsAnswered(401)).isZero();

      // Server-side rotation: the cached token is refused once, a new one is fetched, and the
      // same deliverOnce delivers.
      tokens.revoke();
      journalReading("MON-1", T0.plusSeconds(2), 2);
      drain(1);
      assertThat(destination.deliverOnce()).isEqualTo(1);
      assertThat(fhir.transactionsAnswered(401)).isEqualTo(1);
      assertThat(tokens.issued()).isEqualTo(2);

      // Expiry by time: past expires_in the source fetches a new token before sending (no 401).
      clock.advance(Duration.ofSeconds(301));
      journalReading("MON-1", T0.plusSeconds(3), 3);
      drain(1);
      assertThat(destination.deliverOnce()).isEqualTo(1);
      assertThat(tokens.issued()).isEqualTo(3);
      assertThat(fhir.transactionsAnswered(401)).isEqualTo(1);

      assertThat(fhir.observationCount()).isEqualTo(4);
      assertThat(outbox.backlog(FHIR)).isZero();
      assertThat(fhir.requests())
          .allSatisfy(r -> assertThat(r.header("Authorization")).startsWith("Bearer tok-"));
    }
  }

  @Test
  void aWrongClientSecretDeliversNothingAndKeepsTheBacklog() throws Exception {
    try (TestTokenServer tokens = TestTokenServer.withSecret(clock, "vb-edge", "right", 300)) {
      fhir.requireBearer(tokens::isValid);
      TokenSource source =
          ClientCredentialsTokenSource.withSecret(
              tokens.tokenUrl(), "vb-edge", "wrong", null, clock);
      FhirDestination destination = destination(FHIR, 10, false, source);
      journalReading("MON-1", T0, 0);
      drain(1);

      assertThat(destination.deliverOnce()).isZero();

      assertThat(tokens.requests())
          .extracting(r -> r.refusal())
          .containsExactly("bad client secret");
      assertThat(fhir.transactionRequests()).as("no token, no request").isZero();
      assertThat(outbox.backlog(FHIR)).isEqualTo(1);
      assertThat(outbox.nextAttempt(FHIR).orElseThrow()).isAfter(clock.instant());
      assertThat(outbox.deadLetters(FHIR, 10)).isEmpty();
    }
  }

  @Test
  void privateKeyJwtClientAuthenticationIsVerifiedByTheTokenEndpoint() throws Exception {
    RSAKey key = new RSAKeyGenerator(2048).keyID("vb-edge-1").generate();
    try (TestTokenServer tokens =
        TestTokenServer.withPublicKey(clock, "vb-edge", key.toPublicJWK(), 300)) {
      fhir.requireBearer(tokens::isValid);
      TokenSource source =
          ClientCredentialsTokenSource.withPrivateKey(
              tokens.tokenUrl(), "vb-edge", key, "system/*.write", clock);
      journalReading("MON-1", T0, 0);
      journalReading("MON-1", T0.plusSeconds(1), 1);
      drain(2);

      assertThat(destination(FHIR, 10, false, source).deliverOnce()).isEqualTo(2);

      assertThat(tokens.issued()).isEqualTo(1);
      assertThat(fhir.observationCount()).isEqualTo(2);
      JWTClaimsSet claims = tokens.verifiedAssertions().get(0);
      assertThat(claims.getIssuer()).isEqualTo("vb-edge");
      assertThat(claims.getSubject()).isEqualTo("vb-edge");
      assertThat(claims.getAudience()).containsExactly(tokens.tokenUrl().toString());
      assertThat(claims.getExpirationTime().toInstant()).isAfter(clock.instant());
      assertThat(tokens.requests().get(0).form())
          .containsEntry("client_assertion_type", TestTokenServer.ASSERTION_TYPE)
          .containsEntry("scope", "system/*.write");

      // A key the token endpoint does not know gets no token, so nothing is sent.
      RSAKey rogue = new RSAKeyGenerator(2048).keyID("vb-edge-1").generate();
      TokenSource rogueSource =
          ClientCredentialsTokenSource.withPrivateKey(
              tokens.tokenUrl(), "vb-edge", rogue, "system/*.write", clock);
      assertThat(destination(REPLAY, 10, false, rogueSource).deliverOnce()).isZero();
      assertThat(tokens.requests().get(1).refusal())
          .isEqualTo("assertion signature does not verify");
      assertThat(outbox.backlog(REPLAY)).isEqualTo(2);
      assertThat(fhir.transactionRequests()).isEqualTo(1);
    }
  }

  // --- batch mode, gzip -----------------------------------------------------------------

  @Test
  void batchModeSendsGzipCompressedBundlesThatArriveIntact() throws Exception {
    journal(reading("MON-1", T0, "SpO2", "97", "%"), T0.plusSeconds(1));
    journal(reading("MON-1", T0.plusSeconds(1), "HR", "72", "/min"), T0.plusSeconds(2));
    journal(reading("MON-2", T0.plusSeconds(2), "SpO2", "88.5", "%"), T0.plusSeconds(3));
    journal(bloodPressure("BP-1", T0.plusSeconds(3), 131, 85, 100), T0.plusSeconds(4));
    drain(6);
    FhirDestinationConfig config =
        FhirDestinationConfig.batch(FHIR, fhir.baseUrl(), 10, Duration.ofSeconds(5));
    assertThat(config.gzip()).isTrue();
    FhirDestination destination = track(destination(config, null));

    assertThat(destination.deliverOnce()).isEqualTo(6);

    assertThat(fhir.requests()).hasSize(1);
    InMemoryFhirServer.RecordedRequest request = fhir.requests().get(0);
    assertThat(request.status()).isEqualTo(200);
    assertThat(request.header("Content-Encoding")).isEqualTo("gzip");
    assertThat(request.isGzipBody()).as("the body on the wire is gzip").isTrue();
    Bundle sent = gunzipBundle(request.body());
    assertThat(sent.getEntry()).hasSize(1 + 2 + 4 + 4); // 3 devices, 4 observations, 4 provenances

    assertThat(fhir.observations())
        .extracting(FhirDestinationIT::summary)
        .containsExactlyInAnyOrder(
            "59408-5 97 %", "8867-4 72 /min", "59408-5 88.5 %", "85354-9 131,85,100 mm[Hg]");
  }

  @Test
  void batchModeInTheBackgroundFlushesAfterTheIntervalInOneCompressedBundle() throws Exception {
    for (int i = 0; i < 3; i++) {
      journalReading("MON-1", T0.plusSeconds(i), i);
    }
    drain(3);
    FhirDestination destination =
        track(
            destination(
                FhirDestinationConfig.batch(FHIR, fhir.baseUrl(), 10, Duration.ofSeconds(5)),
                null));

    destination.start();
    await()
        .atMost(20, TimeUnit.SECONDS)
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              clock.advance(Duration.ofSeconds(1));
              assertThat(fhir.observationCount()).isEqualTo(3);
            });

    assertThat(fhir.transactionRequests()).as("one flush, one bundle").isEqualTo(1);
    assertThat(fhir.requests().get(0).header("Content-Encoding")).isEqualTo("gzip");
    await().atMost(5, TimeUnit.SECONDS).until(() -> outbox.backlog(FHIR) == 0);
  }

  // --- timeouts -------------------------------------------------------------------------

  @Test
  void eachDestinationKeepsItsOwnTimeout() throws Exception {
    for (int i = 0; i < 3; i++) {
      journalReading("MON-1", T0.plusSeconds(i), i);
    }
    drain(3);
    FhirDestination patient =
        track(
            destination(
                new FhirDestinationConfig(
                    FHIR, fhir.baseUrl(), false, 10, Duration.ZERO, false, Duration.ofSeconds(10)),
                null));
    // Another destination in the same process (e.g. a second FHIR server) with a short timeout.
    track(
        destination(
            new FhirDestinationConfig(
                REPLAY, fhir.baseUrl(), false, 10, Duration.ZERO, false, Duration.ofMillis(300)),
            null));
    fhir.delayResponses(Duration.ofMillis(1500));

    assertThat(patient.deliverOnce())
        .as("a 1.5 s answer is well within this destination's 10 s timeout")
        .isEqualTo(3);
  }

  // --- background loop ------------------------------------------------------------------

  @Test
  void inTheBackgroundEverythingJournaledArrivesOnceDespiteAServerError() throws Exception {
    store.pipeline().start();
    FhirDestination destination = destination(FHIR, 4);
    destination.start();
    fhir.respond500(1);

    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ids.add(journalReading(i % 2 == 0 ? "MON-1" : "MON-2", T0.plusSeconds(i), i));
    }
    await()
        .atMost(20, TimeUnit.SECONDS)
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              clock.advance(Duration.ofSeconds(1));
              assertThat(fhir.observationCount()).isEqualTo(10);
            });
    await().atMost(5, TimeUnit.SECONDS).until(() -> outbox.backlog(FHIR) == 0);

    assertThat(fhir.transactionsAnswered(500)).isEqualTo(1);
    for (UUID id : ids) {
      assertThat(fhir.observationsByIdentifier(urn(id))).hasSize(1);
    }
    assertThat(fhir.creationOrder())
        .containsExactlyElementsOf(ids.stream().map(FhirDestinationIT::urn).toList());
  }

  // --- helpers --------------------------------------------------------------------------

  private FhirDestination destination(String name, int maxBatch) {
    return destination(name, maxBatch, false, null);
  }

  private FhirDestination destination(String name, int maxBatch, boolean gzip, TokenSource tokens) {
    FhirDestinationConfig config =
        new FhirDestinationConfig(
            name, fhir.baseUrl(), false, maxBatch, Duration.ZERO, gzip, Duration.ofSeconds(10));
    return track(destination(config, tokens));
  }

  private FhirDestination destination(FhirDestinationConfig config, TokenSource tokens) {
    return new FhirDestination(config, outbox, FhirTestPipeline.mapper(), clock, tokens);
  }

  private <T extends AutoCloseable> T track(T closeable) {
    closeables.add(closeable);
    return closeable;
  }

  /** Journals an SpO2 (even i) or heart-rate (odd i) reading; returns its measurement id. */
  private UUID journalReading(String device, Instant ts, int i) throws Exception {
    if (i % 2 == 0) {
      String value = Integer.toString(90 + i % 10);
      journal(reading(device, ts, "SpO2", value, "%"), ts.plusSeconds(1));
      return expectedId(device, MDC_SPO2, ts, value, "%");
    }
    String value = Integer.toString(60 + i);
    journal(reading(device, ts, "HR", value, "/min"), ts.plusSeconds(1));
    return expectedId(device, MDC_HEART_RATE, ts, value, "/min");
  }

  private void journal(String payload, Instant receivedAt) throws Exception {
    store
        .journal()
        .append(raw("raw-" + (++rawCounter), payload, receivedAt))
        .get(10, TimeUnit.SECONDS);
  }

  /** Runs the pipeline over everything journaled; every payload must have become measurements. */
  private void drain(int expectedNewEntries) throws Exception {
    long before = outbox.backlog(FHIR);
    store.pipeline().drain();
    assertThat(store.quarantine().open(10)).as("rejected payloads").isEmpty();
    assertThat(outbox.backlog(FHIR) - before)
        .as("new outbox entries (a rejected payload would be missing)")
        .isEqualTo(expectedNewEntries);
  }

  /** Delivers until nothing waits, stepping the clock over each backoff instead of sleeping. */
  private void deliverAll(FhirDestination destination, String name) {
    for (int round = 0; round < 50; round++) {
      Optional<Instant> next = outbox.nextAttempt(name);
      if (next.isEmpty()) {
        return;
      }
      if (next.get().isAfter(clock.instant())) {
        clock.set(next.get());
      }
      destination.deliverOnce();
    }
    fail("%s still has a backlog of %d after 50 rounds", name, outbox.backlog(name));
  }

  private void assertEveryReferenceResolves() {
    for (Observation o : fhir.observations()) {
      assertThat(fhir.read(o.getDevice().getReference()))
          .as(o.getDevice().getReference())
          .isNotNull();
    }
    for (Provenance p : fhir.provenances()) {
      for (Reference target : p.getTarget()) {
        assertThat(target.getReference()).startsWith("Observation/");
        assertThat(fhir.read(target.getReference())).as(target.getReference()).isNotNull();
      }
    }
  }

  private static String urn(UUID id) {
    return "urn:uuid:" + id;
  }

  private static boolean hasLoinc(Observation o, String code) {
    return o.getCode().getCoding().stream()
        .anyMatch(c -> LOINC.equals(c.getSystem()) && code.equals(c.getCode()));
  }

  private static String primaryLoinc(Observation o) {
    return o.getCode().getCoding().stream()
        .filter(c -> LOINC.equals(c.getSystem()))
        .map(Coding::getCode)
        .findFirst()
        .orElse("?");
  }

  private static Observation panelAt(List<Observation> panels, Instant at) {
    return panels.stream()
        .filter(o -> o.getEffectiveDateTimeType().getValue().toInstant().equals(at))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no panel at " + at));
  }

  private static List<String> components(Observation o) {
    return o.getComponent().stream()
        .map(
            c ->
                c.getCode().getCoding().stream()
                        .filter(k -> LOINC.equals(k.getSystem()))
                        .findFirst()
                        .orElseThrow()
                        .getCode()
                    + "="
                    + c.getValueQuantity().getValue().toPlainString())
        .toList();
  }

  private static String summary(Observation o) {
    if (o.hasComponent()) {
      return primaryLoinc(o)
          + " "
          + String.join(
              ",",
              o.getComponent().stream()
                  .map(c -> c.getValueQuantity().getValue().toPlainString())
                  .toList())
          + " "
          + o.getComponentFirstRep().getValueQuantity().getCode();
    }
    return primaryLoinc(o)
        + " "
        + o.getValueQuantity().getValue().toPlainString()
        + " "
        + o.getValueQuantity().getCode();
  }

  private static Bundle gunzipBundle(byte[] body) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return FhirContext.forR4Cached()
          .newJsonParser()
          .parseResource(Bundle.class, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }
}
