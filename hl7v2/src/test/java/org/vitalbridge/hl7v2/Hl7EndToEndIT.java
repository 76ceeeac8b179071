package org.vitalbridge.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import ca.uhn.hl7v2.AcknowledgmentCode;
import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.app.HL7Service;
import ca.uhn.hl7v2.llp.MinLowerLayerProtocol;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v26.message.ACK;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.protocol.MetadataKeys;
import ca.uhn.hl7v2.protocol.ReceivingApplication;
import ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.core.harmonize.Harmonizer;
import org.vitalbridge.core.harmonize.HarmonizerSettings;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.core.terminology.TerminologyLoader;
import org.vitalbridge.core.testkit.MutableClock;
import org.vitalbridge.core.units.UnitResolver;
import org.vitalbridge.store.Association;
import org.vitalbridge.store.AttributionChange;
import org.vitalbridge.store.MeasurementQuery;
import org.vitalbridge.store.RetentionPolicy;
import org.vitalbridge.store.Store;
import org.vitalbridge.store.StoreConfig;
import org.vitalbridge.store.StoredMeasurement;
import org.vitalbridge.store.UnassociatedPolicy;

/**
 * Patient–device association end to end over real sockets: a device gateway and the hospital's ADT
 * feed (HAPI's MLLP client) send to the {@link MllpListener}, the store attributes the monitor data
 * by bed, and the {@link Hl7Destination} delivers the outbox to a fake EHR (HAPI's MLLP server).
 * The monitors send no PID-3, only the bed (PV1-3). Times in the messages are local (+0100).
 */
class Hl7EndToEndIT {
  private static final MessageProcessor PROCESSOR =
      new MessageProcessor(
          List.of(new Pcd01Decoder()),
          new Harmonizer(
              TerminologyLoader.shipped(), UnitResolver.shipped(), HarmonizerSettings.DEFAULTS));
  private static final MeasurementQuery ALL =
      new MeasurementQuery(
          null,
          null,
          null,
          Instant.parse("2000-01-01T00:00:00Z"),
          Instant.parse("2100-01-01T00:00:00Z"),
          1000);

  private static final ZoneOffset LOCAL = ZoneOffset.ofHours(1);
  private static final String P1 = "PAT1001";
  private static final String P2 = "PAT2002";
  private static final String BED_301 = "ICU/301/1";
  private static final String BED_302 = "ICU/302/1";
  private static final String MONITOR_301 = "0123456789ABCDEF";
  private static final String MONITOR_302 = "FEDCBA9876543210";

  private static final String A01_P1 = "adt-a01-p1-icu301.hl7";
  private static final String A02_P1 = "adt-a02-p1-icu301-to-icu302.hl7";
  private static final String A01_P2 = "adt-a01-p2-icu301.hl7";
  private static final String A01_P2_0900 = "adt-a01-p2-icu301-0900.hl7";
  private static final String A03_P1 = "adt-a03-p1-icu301.hl7";
  private static final String A11_P1 = "adt-a11-p1-icu301.hl7";

  @TempDir Path tmp;
  private final MutableClock clock = new MutableClock(local("08:55"));
  private final ExecutorService clientExecutor = Executors.newCachedThreadPool();
  private Store store;
  private MllpListener listener;
  private HapiContext client;
  private FakeEhr ehr;
  private Hl7Destination destination;
  private int seenByTest;

  /**
   * Store with destination {@code hl7}, listener, fake EHR and the destination delivering to it.
   */
  private void start(UnassociatedPolicy policy) throws Exception {
    store =
        Store.open(
            StoreConfig.sqlite(tmp.resolve("vb.db"))
                .withDestinations(List.of("hl7"))
                .withUnassociated(policy),
            PROCESSOR,
            clock,
            new RetentionPolicy(null, null, 0, 0));
    listener =
        new MllpListener(
            new MllpListenerConfig(
                "127.0.0.1",
                0,
                16,
                Duration.ofMinutes(1),
                64 * 1024,
                StandardCharsets.UTF_8,
                Duration.ofSeconds(30),
                null),
            store,
            PROCESSOR,
            clock);
    listener.start();
    client = context(clientExecutor);
    int ehrPort;
    try (ServerSocket probe = new ServerSocket(0)) {
      ehrPort = probe.getLocalPort();
    }
    ehr = FakeEhr.start(ehrPort);
    destination =
        new Hl7Destination(
            new Hl7DestinationConfig(
                "hl7",
                "localhost",
                ehrPort,
                false,
                "EHR",
                "HOSP",
                "VitalBridge",
                "Hospital",
                Duration.ofSeconds(10),
                10),
            store.outbox(),
            store.negativeAcks(),
            clock);
  }

  @AfterEach
  void stop() throws IOException {
    if (destination != null) {
      destination.close();
    }
    if (ehr != null) {
      ehr.close();
    }
    if (client != null) {
      client.close();
    }
    clientExecutor.shutdownNow();
    if (listener != null) {
      listener.close();
    }
    if (store != null) {
      store.close();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 1. Admission, then data

  @Test
  void dataAfterAnAdmissionIsAttributedToThePatientAndTheEhrGetsItAsFinal() throws Exception {
    start(UnassociatedPolicy.FORWARD);

    at("10:00");
    adt(A01_P1);
    at("10:05");
    List<StoredMeasurement> readings = monitor(BED_301, MONITOR_301, "10:05", 97, 72);

    assertThat(readings)
        .hasSize(2)
        .allSatisfy(
            m -> {
              assertThat(m.subject()).isEqualTo(P1);
              assertThat(m.location()).isEqualTo(BED_301);
              assertThat(m.status()).isEqualTo("final");
              assertThat(store.measurements().attributionHistory(m.id())).isEmpty();
            });

    assertThat(destination.deliverOnce()).isEqualTo(2);
    Oru oru = single(newAtEhr());
    assertThat(oru.patient()).isEqualTo(P1);
    assertThat(oru.pid3()).isEqualTo(P1 + "^^^Hospital^PI");
    assertThat(oru.bed()).isEqualTo("ICU^301^1");
    assertThat(oru.metrics()).containsExactly("150456 97 F", "147842 72 F");
    assertThat(oru.observationTimes()).containsOnly(Pcd01Encoder.dtm(local("10:05")));
    assertThat(store.outbox().backlog("hl7")).isZero();

    resendingChangesNothing(A01_P1);
  }

  // ---------------------------------------------------------------------------------------------
  // 2. Transfer, then the next admission to the bed

  @Test
  void aTransferAndTheNextAdmissionSplitTheBedsTimelineAsTheFeedArrives() throws Exception {
    start(UnassociatedPolicy.FORWARD);

    at("10:00");
    adt(A01_P1);
    at("10:20");
    List<StoredMeasurement> at1020 = monitor(BED_301, MONITOR_301, "10:20", 97, 72);
    at("10:30");
    adt(A02_P1);
    at("10:35");
    List<StoredMeasurement> at1035 = monitor(BED_301, MONITOR_301, "10:35", 96, 74);
    List<StoredMeasurement> moved = monitor(BED_302, MONITOR_302, "10:35", 95, 80);
    at("10:40");
    adt(A01_P2);
    at("10:45");
    List<StoredMeasurement> at1045 = monitor(BED_301, MONITOR_301, "10:45", 99, 65);

    assertThat(subjects(at1020)).containsOnly(P1);
    assertThat(subjects(at1035))
        .as("bed 301 between transfer and next admission")
        .containsOnly("-");
    assertThat(subjects(moved)).as("bed 302 after the transfer").containsOnly(P1);
    assertThat(subjects(at1045)).containsOnly(P2);
    assertThat(store.associations().history(null, BED_301))
        .extracting(a -> a.subject() + " " + a.validFrom() + " " + a.validTo())
        .containsExactly(
            P1 + " " + local("10:00") + " " + local("10:30"), P2 + " " + local("10:40") + " null");
    assertThat(store.associations().history(null, BED_302))
        .extracting(a -> a.subject() + " " + a.validFrom() + " " + a.validTo())
        .containsExactly(P1 + " " + local("10:30") + " null");

    assertThat(destination.deliverOnce()).isEqualTo(8);
    List<Oru> sent = newAtEhr();
    assertThat(sent)
        .extracting(Oru::bed, Oru::observedAt, Oru::patient, Oru::statuses)
        .containsExactly(
            tuple("ICU^301^1", "10:20", P1, List.of("F", "F")),
            tuple("ICU^301^1", "10:35", null, List.of("F", "F")),
            tuple("ICU^302^1", "10:35", P1, List.of("F", "F")),
            tuple("ICU^301^1", "10:45", P2, List.of("F", "F")));
    // Forward policy: the reading nobody was associated with went out without a made-up PID-3.
    assertThat(sent.get(1).segment("PID")).isEqualTo("PID|1");
    for (StoredMeasurement m : concat(at1020, at1035, moved, at1045)) {
      assertThat(store.measurements().attributionHistory(m.id())).isEmpty();
    }

    resendingChangesNothing(A01_P1, A02_P1, A01_P2);
  }

  @Test
  void theSameFeedArrivingLateReattributesTheMonitorDataAndSendsCorrections() throws Exception {
    start(UnassociatedPolicy.FORWARD);

    at("10:20");
    List<StoredMeasurement> at1020 = monitor(BED_301, MONITOR_301, "10:20", 97, 72);
    at("10:35");
    List<StoredMeasurement> at1035 = monitor(BED_301, MONITOR_301, "10:35", 96, 74);
    at("10:45");
    List<StoredMeasurement> at1045 = monitor(BED_301, MONITOR_301, "10:45", 99, 65);
    assertThat(destination.deliverOnce()).isEqualTo(6);
    assertThat(newAtEhr())
        .extracting(Oru::patient, Oru::statuses)
        .containsOnly(tuple(null, List.of("F", "F")));

    at("10:50");
    adt(A01_P1);
    assertThat(subjects(at1020, at1035, at1045)).containsOnly(P1);
    assertThat(destination.deliverOnce()).isEqualTo(6);
    assertThat(newAtEhr())
        .extracting(Oru::observedAt, Oru::patient, Oru::statuses)
        .containsExactly(
            tuple("10:20", P1, List.of("C", "C")),
            tuple("10:35", P1, List.of("C", "C")),
            tuple("10:45", P1, List.of("C", "C")));

    adt(A02_P1);
    assertThat(subjects(at1020)).containsOnly(P1);
    assertThat(subjects(at1035, at1045)).containsOnly("-");
    assertThat(destination.deliverOnce()).isEqualTo(4);
    // P1's chart had them: withdrawn there (W) before the correction without a patient.
    assertThat(newAtEhr())
        .extracting(Oru::observedAt, Oru::patient, Oru::statuses)
        .containsExactly(
            tuple("10:35", P1, List.of("W", "W")),
            tuple("10:35", null, List.of("C", "C")),
            tuple("10:45", P1, List.of("W", "W")),
            tuple("10:45", null, List.of("C", "C")));

    adt(A01_P2);
    assertThat(subjects(at1020)).containsOnly(P1);
    assertThat(subjects(at1035)).containsOnly("-");
    assertThat(subjects(at1045)).containsOnly(P2);
    assertThat(destination.deliverOnce()).isEqualTo(2);
    assertThat(newAtEhr())
        .extracting(Oru::observedAt, Oru::patient, Oru::statuses)
        .containsExactly(tuple("10:45", P2, List.of("C", "C")));

    assertThat(history(at1020.get(0))).containsExactly(tuple(null, P1, "ADT^A01 E2E-A01-P1"));
    assertThat(history(at1035.get(0)))
        .containsExactly(
            tuple(null, P1, "ADT^A01 E2E-A01-P1"), tuple(P1, null, "ADT^A02 E2E-A02-P1"));
    assertThat(history(at1045.get(0)))
        .containsExactly(
            tuple(null, P1, "ADT^A01 E2E-A01-P1"),
            tuple(P1, null, "ADT^A02 E2E-A02-P1"),
            tuple(null, P2, "ADT^A01 E2E-A01-P2"));

    resendingChangesNothing(A01_P1, A02_P1, A01_P2);
  }

  // ---------------------------------------------------------------------------------------------
  // 3. Discharge

  @Test
  void dataAfterTheDischargeIsUnassociatedAndHeld() throws Exception {
    start(UnassociatedPolicy.HOLD);

    at("10:00");
    adt(A01_P1);
    at("10:55");
    List<StoredMeasurement> before = monitor(BED_301, MONITOR_301, "10:55", 97, 72);
    at("11:00");
    adt(A03_P1);
    at("11:05");
    List<StoredMeasurement> after = monitor(BED_301, MONITOR_301, "11:05", 96, 70);

    assertThat(subjects(before)).containsOnly(P1);
    assertThat(subjects(after)).containsOnly("-");
    assertThat(only(BED_301).validTo()).isEqualTo(local("11:00"));
    assertThat(store.unassociated().heldCount()).isEqualTo(2);
    assertThat(store.unassociated().held(10))
        .extracting(StoredMeasurement::id)
        .containsExactlyInAnyOrderElementsOf(ids(after));

    assertThat(destination.deliverOnce()).isEqualTo(2);
    assertThat(newAtEhr())
        .extracting(Oru::observedAt, Oru::patient, Oru::statuses)
        .containsExactly(tuple("10:55", P1, List.of("F", "F")));
    assertThat(destination.deliverOnce()).isZero();
    assertThat(store.outbox().backlog("hl7")).isZero();

    resendingChangesNothing(A01_P1, A03_P1);
    assertThat(store.unassociated().heldCount()).isEqualTo(2);
  }

  @Test
  void aLateDischargeTakesBackWhatWasAttributedAfterItAndSendsACorrection() throws Exception {
    start(UnassociatedPolicy.FORWARD);

    at("10:00");
    adt(A01_P1);
    at("11:05");
    List<StoredMeasurement> after = monitor(BED_301, MONITOR_301, "11:05", 96, 70);
    assertThat(subjects(after)).containsOnly(P1);
    assertThat(destination.deliverOnce()).isEqualTo(2);
    assertThat(single(newAtEhr()).patient()).isEqualTo(P1);

    at("11:10");
    adt(A03_P1);

    assertThat(subjects(after)).containsOnly("-");
    assertThat(history(after.get(0))).containsExactly(tuple(P1, null, "ADT^A03 E2E-A03-P1"));
    assertThat(destination.deliverOnce()).isEqualTo(2);
    List<Oru> sent = newAtEhr();
    assertThat(sent)
        .extracting(Oru::observedAt, Oru::patient, Oru::statuses)
        .containsExactly(
            tuple("11:05", P1, List.of("W", "W")), tuple("11:05", null, List.of("C", "C")));

    resendingChangesNothing(A01_P1, A03_P1);
  }

  // ---------------------------------------------------------------------------------------------
  // 4. Late ADT

  @Test
  void heldDataIsReleasedToTheAdmittedPatientWhenTheAdmissionArrivesLate() throws Exception {
    start(UnassociatedPolicy.HOLD);

    at("10:05");
    List<StoredMeasurement> readings = monitor(BED_301, MONITOR_301, "10:05", 97, 72);

    assertThat(subjects(readings)).containsOnly("-");
    assertThat(store.unassociated().heldCount()).isEqualTo(2);
    assertThat(destination.deliverOnce()).isZero();
    assertThat(ehr.received).isEmpty();

    at("10:10");
    adt(A01_P1); // EVN-6 10:00

    assertThat(subjects(readings)).containsOnly(P1);
    assertThat(store.unassociated().heldCount()).isZero();
    for (StoredMeasurement m : readings) {
      assertThat(history(m)).containsExactly(tuple(null, P1, "ADT^A01 E2E-A01-P1"));
    }
    assertThat(destination.deliverOnce()).isEqualTo(2);
    Oru oru = single(newAtEhr());
    assertThat(oru.patient()).isEqualTo(P1);
    // Released from hold: the first version the EHR sees, so not a correction.
    assertThat(oru.statuses()).containsExactly("F", "F");
    assertThat(oru.observedAt()).isEqualTo("10:05");

    resendingChangesNothing(A01_P1);
  }

  @Test
  void forwardedDataIsCorrectedToTheAdmittedPatientWhenTheAdmissionArrivesLate() throws Exception {
    start(UnassociatedPolicy.FORWARD);

    at("10:05");
    List<StoredMeasurement> readings = monitor(BED_301, MONITOR_301, "10:05", 97, 72);
    assertThat(subjects(readings)).containsOnly("-");
    assertThat(store.unassociated().heldCount()).isZero();
    assertThat(destination.deliverOnce()).isEqualTo(2);
    Oru first = single(newAtEhr());
    assertThat(first.patient()).isNull();
    assertThat(first.segment("PID")).isEqualTo("PID|1");
    assertThat(first.statuses()).containsExactly("F", "F");

    at("10:10");
    adt(A01_P1);

    assertThat(subjects(readings)).containsOnly(P1);
    assertThat(readings).allSatisfy(m -> assertThat(reload(m).status()).isEqualTo("amended"));
    assertThat(destination.deliverOnce()).isEqualTo(2);
    Oru correction = single(newAtEhr());
    assertThat(correction.patient()).isEqualTo(P1);
    assertThat(correction.statuses()).containsExactly("C", "C");
    assertThat(correction.metrics()).containsExactly("150456 97 C", "147842 72 C");
    assertThat(correction.observedAt()).isEqualTo("10:05");
    assertThat(correction.controlId()).isNotEqualTo(first.controlId());
    // History kept: the EHR has both versions, the store the change and its cause.
    assertThat(ehr.received).hasSize(2);
    for (StoredMeasurement m : readings) {
      assertThat(history(m)).containsExactly(tuple(null, P1, "ADT^A01 E2E-A01-P1"));
    }

    resendingChangesNothing(A01_P1);
  }

  // ---------------------------------------------------------------------------------------------
  // 5. Cancel admit

  @Test
  void aCancelledAdmissionTakesTheDataBackFromThePatientAndSendsACorrection() throws Exception {
    start(UnassociatedPolicy.FORWARD);

    at("10:00");
    adt(A01_P1);
    at("10:05");
    List<StoredMeasurement> readings = monitor(BED_301, MONITOR_301, "10:05", 97, 72);
    assertThat(subjects(readings)).containsOnly(P1);
    assertThat(destination.deliverOnce()).isEqualTo(2);
    assertThat(single(newAtEhr()).patient()).isEqualTo(P1);

    at("10:30");
    adt(A11_P1);

    assertThat(subjects(readings)).containsOnly("-");
    assertThat(only(BED_301).cancelled()).isTrue();
    for (StoredMeasurement m : readings) {
      assertThat(history(m)).containsExactly(tuple(P1, null, "ADT^A11 E2E-A11-P1"));
    }
    assertThat(destination.deliverOnce()).isEqualTo(2);
    assertThat(newAtEhr())
        .extracting(Oru::observedAt, Oru::patient, Oru::statuses)
        .containsExactly(
            tuple("10:05", P1, List.of("W", "W")), tuple("10:05", null, List.of("C", "C")));

    // Neither the cancel nor the admission it cancelled applies again when resent.
    resendingChangesNothing(A11_P1, A01_P1);
  }

  @Test
  void aCancelledAdmissionGivesTheDataBackToThePreviousOccupantAsACorrection() throws Exception {
    start(UnassociatedPolicy.FORWARD);

    at("09:00");
    adt(A01_P2_0900);
    at("10:00");
    adt(A01_P1); // P2 was never discharged: P1's admission closes P2's stay in the bed
    at("10:05");
    List<StoredMeasurement> readings = monitor(BED_301, MONITOR_301, "10:05", 97, 72);
    assertThat(subjects(readings)).containsOnly(P1);
    assertThat(destination.deliverOnce()).isEqualTo(2);
    assertThat(single(newAtEhr()).patient()).isEqualTo(P1);

    at("10:30");
    adt(A11_P1);

    assertThat(subjects(readings)).containsOnly(P2);
    assertThat(store.associations().at(null, BED_301, local("10:05")))
        .get()
        .extracting(Association::subject, Association::validTo)
        .containsExactly(P2, null);
    for (StoredMeasurement m : readings) {
      assertThat(history(m)).containsExactly(tuple(P1, P2, "ADT^A11 E2E-A11-P1"));
    }
    assertThat(destination.deliverOnce()).isEqualTo(2);
    List<Oru> sent = newAtEhr();
    assertThat(sent)
        .extracting(Oru::observedAt, Oru::patient, Oru::statuses)
        .containsExactly(
            tuple("10:05", P1, List.of("W", "W")), tuple("10:05", P2, List.of("C", "C")));
    // The withdrawal names the values P1's chart holds, under their own control id.
    assertThat(sent.get(0).metrics()).containsExactly("150456 97 W", "147842 72 W");
    assertThat(sent.get(0).controlId()).isNotEqualTo(sent.get(1).controlId());

    resendingChangesNothing(A01_P2_0900, A01_P1, A11_P1);
  }

  // ---------------------------------------------------------------------------------------------
  // 6. Result status (OBX-11): preliminary, final, retracted

  @Test
  void aResultSentPreliminaryThenFinalThenRetractedIsOneMeasurementAndEveryChangeIsResent()
      throws Exception {
    start(UnassociatedPolicy.FORWARD);
    at("10:00");
    adt(A01_P1);

    at("10:05");
    List<StoredMeasurement> readings =
        monitor(BED_301, MONITOR_301, "10:05", "97", "P", "72", "R", "GW-STATUS-1");
    assertThat(readings).allSatisfy(m -> assertThat(m.status()).isEqualTo("preliminary"));
    assertThat(destination.deliverOnce()).isEqualTo(2);
    Oru preliminary = single(newAtEhr());
    assertThat(preliminary.metrics()).containsExactly("150456 97 P", "147842 72 P");
    assertThat(preliminary.patient()).isEqualTo(P1);

    at("10:06");
    List<StoredMeasurement> verified =
        monitor(BED_301, MONITOR_301, "10:05", "97", "F", "72", "F", "GW-STATUS-2");
    assertThat(ids(verified)).as("the same measurements").isEqualTo(ids(readings));
    assertThat(verified).allSatisfy(m -> assertThat(m.status()).isEqualTo("final"));
    assertThat(destination.deliverOnce()).isEqualTo(2);
    Oru fin = single(newAtEhr());
    assertThat(fin.metrics()).containsExactly("150456 97 F", "147842 72 F");
    assertThat(fin.controlId()).isNotEqualTo(preliminary.controlId());
    assertThat(fin.fillerOrderNumber())
        .as("OBR-3 names the result: the EHR files the final version over the preliminary one")
        .isEqualTo(preliminary.fillerOrderNumber());

    // SpO2 retracted with its value (W), heart rate without one (D, empty OBX-5).
    at("10:07");
    List<StoredMeasurement> retracted =
        monitor(BED_301, MONITOR_301, "10:05", "97", "W", "", "D", "GW-STATUS-3");
    assertThat(ids(retracted)).isEqualTo(ids(readings));
    assertThat(retracted).allSatisfy(m -> assertThat(m.status()).isEqualTo("entered-in-error"));
    assertThat(destination.deliverOnce()).isEqualTo(2);
    Oru wrong = single(newAtEhr());
    assertThat(wrong.metrics()).containsExactly("150456 97 W", "147842 72 W");
    assertThat(wrong.fillerOrderNumber()).isEqualTo(preliminary.fillerOrderNumber());

    assertThat(store.measurements().find(ALL)).hasSize(2);
    for (StoredMeasurement m : readings) {
      assertThat(store.measurements().statusHistory(m.id()))
          .extracting(h -> h.previousStatus() + " -> " + h.status())
          .containsExactly("preliminary -> final", "final -> entered-in-error");
    }
    assertThat(store.quarantine().openCount()).isZero();

    // A late preliminary copy changes nothing and sends nothing.
    at("10:08");
    monitor(BED_301, MONITOR_301, "10:05", "97", "P", "72", "P", "GW-STATUS-4");
    assertThat(destination.deliverOnce()).isZero();
    assertThat(ehr.received).hasSize(3);
    assertThat(reload(readings.get(0)).status()).isEqualTo("entered-in-error");
  }

  // ---------------------------------------------------------------------------------------------
  // Sending

  /** Sets the clock to {@code hh:mm} local plus a few seconds: when the next message is sent. */
  private void at(String hhmm) {
    clock.set(local(hhmm).plusSeconds(30));
  }

  /** Sends an ADT fixture as the hospital's feed does; the listener must answer AA. */
  private void adt(String fixture) throws Exception {
    String er7 = fixture(fixture);
    ACK ack = send(er7);
    assertThat(ack.getMSA().getAcknowledgmentCode().getValue()).as(fixture).isEqualTo("AA");
    assertThat(ack.getMSA().getMessageControlID().getValue())
        .isEqualTo(er7.split("\r")[0].split("\\|")[9]);
    assertThat(ack.getERRReps()).as(fixture).isZero();
  }

  /**
   * Sends one reading of SpO2 and heart rate as the gateway does for the monitor at {@code bed}
   * (PV1-3, no PID-3), observed at {@code hh:mm} local; the listener must answer AA. Returns the
   * stored measurements after processing.
   */
  private List<StoredMeasurement> monitor(String bed, String device, String hhmm, int spo2, int hr)
      throws Exception {
    String controlId = "GW-" + device.substring(0, 4) + "-" + hhmm.replace(":", "");
    String er7 =
        fixture("oru-monitor.hl7")
            .replace("{{CONTROL_ID}}", controlId)
            .replace("{{BED}}", bed.replace('/', '^'))
            .replace("{{DEVICE}}", device)
            .replace("{{TIME}}", dtm(hhmm))
            .replace("{{SPO2}}", Integer.toString(spo2))
            .replace("{{HR}}", Integer.toString(hr));
    ACK ack = send(er7);
    assertThat(ack.getMSA().getAcknowledgmentCode().getValue()).isEqualTo("AA");
    assertThat(ack.getMSA().getMessageControlID().getValue()).isEqualTo(controlId);
    store.pipeline().drain();
    List<StoredMeasurement> stored =
        store.measurements().find(ALL).stream()
            .filter(m -> m.device().equals(device) && m.observedAt().equals(local(hhmm)))
            .toList();
    assertThat(stored).as("stored from " + controlId).hasSize(2);
    return stored;
  }

  /**
   * As {@link #monitor(String, String, String, int, int)} with OBX-5 and OBX-11 given per row (an
   * empty value is sent as an empty OBX-5) and the control id given; returns the two stored
   * measurements of that device and time.
   */
  private List<StoredMeasurement> monitor(
      String bed,
      String device,
      String hhmm,
      String spo2,
      String spo2Status,
      String hr,
      String hrStatus,
      String controlId)
      throws Exception {
    String er7 =
        fixture("oru-monitor.hl7")
            .replace("{{CONTROL_ID}}", controlId)
            .replace("{{BED}}", bed.replace('/', '^'))
            .replace("{{DEVICE}}", device)
            .replace("{{TIME}}", dtm(hhmm))
            .replace(
                "{{SPO2}}|262688^MDC_DIM_PERCENT^MDC|||||F|",
                spo2 + "|262688^MDC_DIM_PERCENT^MDC|||||" + spo2Status + "|")
            .replace(
                "{{HR}}|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||F|",
                hr + "|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||" + hrStatus + "|");
    assertThat(er7).doesNotContain("{{");
    ACK ack = send(er7);
    assertThat(ack.getMSA().getAcknowledgmentCode().getValue()).isEqualTo("AA");
    assertThat(ack.getMSA().getMessageControlID().getValue()).isEqualTo(controlId);
    store.pipeline().drain();
    List<StoredMeasurement> stored =
        store.measurements().find(ALL).stream()
            .filter(m -> m.device().equals(device) && m.observedAt().equals(local(hhmm)))
            .toList();
    assertThat(stored).as("stored from " + controlId).hasSize(2);
    return stored;
  }

  private ACK send(String er7) throws Exception {
    Connection c = client.newClient("127.0.0.1", listener.port(), false);
    try {
      Message message = client.getPipeParser().parse(er7);
      return (ACK) c.getInitiator().sendAndReceive(message);
    } finally {
      c.close();
    }
  }

  /**
   * Resends each ADT message unchanged (a feed replaying after a lost ACK): each is answered AA
   * again, and no association, attribution, history row or EHR message changes or appears.
   */
  private void resendingChangesNothing(String... fixtures) throws Exception {
    State before = state();
    int atEhr = ehr.received.size();
    for (String f : fixtures) {
      adt(f);
    }
    store.pipeline().drain();
    assertThat(destination.deliverOnce()).isZero();
    assertThat(ehr.received).hasSize(atEhr);
    assertThat(state()).isEqualTo(before);
  }

  private record State(
      List<Association> associations,
      List<StoredMeasurement> measurements,
      Map<UUID, List<AttributionChange>> attributions,
      long backlog,
      long held) {}

  private State state() {
    List<StoredMeasurement> all = store.measurements().find(ALL);
    Map<UUID, List<AttributionChange>> attributions = new LinkedHashMap<>();
    for (StoredMeasurement m : all) {
      attributions.put(m.id(), store.measurements().attributionHistory(m.id()));
    }
    List<Association> associations = new ArrayList<>();
    associations.addAll(store.associations().history(null, BED_301));
    associations.addAll(store.associations().history(null, BED_302));
    return new State(
        associations,
        all,
        attributions,
        store.outbox().backlog("hl7"),
        store.unassociated().heldCount());
  }

  // ---------------------------------------------------------------------------------------------
  // Reading back

  private StoredMeasurement reload(StoredMeasurement m) {
    return store.measurements().byId(m.id()).orElseThrow();
  }

  /** The current subject of each measurement, {@code -} for none. */
  @SafeVarargs
  private List<String> subjects(List<StoredMeasurement>... groups) {
    return concat(groups).stream()
        .map(this::reload)
        .map(m -> m.subject() == null ? "-" : m.subject())
        .toList();
  }

  /** Attribution history as (previous, subject, cause up to the journal id). */
  private List<org.assertj.core.groups.Tuple> history(StoredMeasurement m) {
    return store.measurements().attributionHistory(m.id()).stream()
        .map(
            h ->
                tuple(
                    h.previousSubject(),
                    h.subject(),
                    h.cause() == null ? null : h.cause().replaceFirst(" raw .*$", "")))
        .toList();
  }

  private Association only(String bed) {
    List<Association> rows = store.associations().history(null, bed);
    assertThat(rows).as(bed).hasSize(1);
    return rows.get(0);
  }

  @SafeVarargs
  private static List<StoredMeasurement> concat(List<StoredMeasurement>... groups) {
    return Arrays.stream(groups).flatMap(List::stream).toList();
  }

  private static List<UUID> ids(List<StoredMeasurement> ms) {
    return ms.stream().map(StoredMeasurement::id).toList();
  }

  /**
   * The ORU^R01 messages the EHR received since the last call. Nothing to wait for: HAPI's server
   * records the message before it answers, and deliverOnce returns only after the answer.
   */
  private List<Oru> newAtEhr() {
    List<Oru> fresh = ehr.received.subList(seenByTest, ehr.received.size()).stream().toList();
    seenByTest = ehr.received.size();
    return fresh;
  }

  private static Oru single(List<Oru> messages) {
    assertThat(messages).hasSize(1);
    return messages.get(0);
  }

  /** An ORU^R01 as the EHR received it, read field by field. */
  record Oru(String er7) {
    List<String[]> segments(String id) {
      return Arrays.stream(er7.split("\r"))
          .filter(s -> s.startsWith(id + "|"))
          .map(s -> s.split("\\|", -1))
          .toList();
    }

    String segment(String id) {
      return Arrays.stream(er7.split("\r")).filter(s -> s.startsWith(id + "|")).findFirst().get();
    }

    static String field(String[] fields, int n) {
      return fields.length > n ? fields[n] : "";
    }

    String controlId() {
      return field(segments("MSH").get(0), 9);
    }

    String pid3() {
      return field(segments("PID").get(0), 3);
    }

    /** PID-3.1, {@code null} when the message names no patient. */
    String patient() {
      String id = pid3().split("\\^", -1)[0];
      return id.isEmpty() ? null : id;
    }

    String bed() {
      return segments("PV1").isEmpty() ? null : field(segments("PV1").get(0), 3);
    }

    /** OBR-3: names the result, whatever transmission carries it. */
    String fillerOrderNumber() {
      return field(segments("OBR").get(0), 3);
    }

    private List<String[]> metricRows() {
      return segments("OBX").stream().filter(f -> "NM".equals(field(f, 2))).toList();
    }

    /** OBX-3.1, OBX-5 and OBX-11 of each metric row. */
    List<String> metrics() {
      return metricRows().stream()
          .map(f -> field(f, 3).split("\\^")[0] + " " + field(f, 5) + " " + field(f, 11))
          .toList();
    }

    List<String> statuses() {
      return metricRows().stream().map(f -> field(f, 11)).toList();
    }

    List<String> observationTimes() {
      return metricRows().stream().map(f -> field(f, 14)).distinct().toList();
    }

    /** The one OBX-14 of the message as local hh:mm. */
    String observedAt() {
      List<String> times = observationTimes();
      assertThat(times).hasSize(1);
      Instant t = Instant.parse(times.get(0).replaceFirst(UTC_DTM, "$1-$2-$3T$4:$5:$6Z"));
      return LocalTime.ofInstant(t, LOCAL).format(DateTimeFormatter.ofPattern("HH:mm"));
    }

    private static final String UTC_DTM =
        "^(\\d{4})(\\d\\d)(\\d\\d)(\\d\\d)(\\d\\d)(\\d\\d)\\+0000$";
  }

  // ---------------------------------------------------------------------------------------------
  // Fixtures and times

  private static String fixture(String name) throws IOException {
    return Hl7Messages.normalizeSegmentSeparators(
        Files.readString(Path.of("src/test/resources/e2e/" + name), StandardCharsets.UTF_8));
  }

  /** 2026-11-24 {@code hh:mm} at +01:00. */
  private static Instant local(String hhmm) {
    return OffsetDateTime.of(
            2026,
            11,
            24,
            Integer.parseInt(hhmm.substring(0, 2)),
            Integer.parseInt(hhmm.substring(3)),
            0,
            0,
            LOCAL)
        .toInstant();
  }

  /** HL7 DTM of {@code hh:mm} local, with its offset, as the gateway writes OBX-14. */
  private static String dtm(String hhmm) {
    return "20261124" + hhmm.replace(":", "") + "00+0100";
  }

  private static HapiContext context(ExecutorService executor) {
    HapiContext ctx = new DefaultHapiContext(executor);
    ctx.setValidationContext(ValidationContextFactory.noValidation());
    ctx.setModelClassFactory(new CanonicalModelClassFactory("2.6"));
    ctx.getParserConfiguration().setIdGenerator(new InMemoryIDGenerator());
    MinLowerLayerProtocol llp = new MinLowerLayerProtocol(true);
    llp.setCharset(StandardCharsets.UTF_8);
    ctx.setLowerLayerProtocol(llp);
    return ctx;
  }

  /** The EHR's interface: HAPI's MLLP server recording every message and answering AA. */
  static final class FakeEhr implements ReceivingApplication<Message>, AutoCloseable {
    final List<Oru> received = new CopyOnWriteArrayList<>();
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final HapiContext context = context(executor);
    private HL7Service server;

    static FakeEhr start(int port) throws InterruptedException {
      FakeEhr ehr = new FakeEhr();
      ehr.server = ehr.context.newServer(port, false);
      ehr.server.registerApplication(ehr);
      ehr.server.startAndWait();
      return ehr;
    }

    @Override
    public Message processMessage(Message message, Map<String, Object> metadata)
        throws HL7Exception {
      received.add(new Oru((String) metadata.get(MetadataKeys.IN_RAW_MESSAGE)));
      try {
        return message.generateACK(AcknowledgmentCode.AA, null);
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
