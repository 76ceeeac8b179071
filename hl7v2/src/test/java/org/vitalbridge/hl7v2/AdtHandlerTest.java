package org.vitalbridge.hl7v2;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.hl7v2.model.Message;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
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
import org.vitalbridge.core.units.UcumUnits;
import org.vitalbridge.core.units.UnitAliases;
import org.vitalbridge.core.units.UnitResolver;
import org.vitalbridge.store.Association;
import org.vitalbridge.store.AttributionChange;
import org.vitalbridge.store.MeasurementQuery;
import org.vitalbridge.store.RetentionPolicy;
import org.vitalbridge.store.Store;
import org.vitalbridge.store.StoreConfig;
import org.vitalbridge.store.StoredMeasurement;

/**
 * ADT fixtures (v2.5.1 and 2.6, as a hospital information system sends them) applied to a real
 * SQLite store. Monitor data arrives first; the ADT comes late and re-attributes it.
 */
class AdtHandlerTest {
  private static final String BED_301 = "ICU/301/1";
  private static final String BED_302 = "ICU/302/1";
  private static final String PATIENT = "PAT4711";
  private static final String OTHER_PATIENT = "PAT0815";
  private static final Instant FAR_PAST = Instant.parse("2000-01-01T00:00:00Z");
  private static final Instant FAR_FUTURE = Instant.parse("2100-01-01T00:00:00Z");
  private static final MessageProcessor PROCESSOR =
      new MessageProcessor(
          List.of(new Pcd01Decoder()),
          new Harmonizer(
              TerminologyLoader.shipped(),
              new UnitResolver(UnitAliases.shipped(), UcumUnits.load()),
              HarmonizerSettings.DEFAULTS));

  @TempDir Path tmp;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T16:00:00Z"));
  private Store store;
  private AdtHandler handler;

  @BeforeEach
  void openStore() {
    store = open("store.db");
    handler = new AdtHandler(store.associations());
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  private Store open(String file) {
    return Store.open(
        StoreConfig.sqlite(tmp.resolve(file)).withDestinations(List.of("fhir", "hl7")),
        PROCESSOR,
        clock,
        new RetentionPolicy(null, null, 0, 0));
  }

  private static String fixture(String name) throws Exception {
    return Files.readString(Path.of("src/test/resources/adt/" + name), StandardCharsets.UTF_8);
  }

  private static Message adt(String name) throws Exception {
    return Hl7Messages.parse(fixture(name));
  }

  /** Applies a fixture with the cause the listener would give it. */
  private List<Hl7Acknowledgment.Error> apply(String name) throws Exception {
    return handler.apply(adt(name), "ADT " + name);
  }

  /**
   * A final (OBX-11 F) PCD-01 SpO2 reading from the monitor at {@code bed}, naming no patient: a
   * final result is amended when re-attributed (a preliminary one would stay preliminary).
   */
  private void monitor(String controlId, String bed, String dtm, int spo2) throws Exception {
    String er7 =
        String.join(
            "\r",
            "MSH|^~\\&|AcmeGW^ACDE48234567ABCD^EUI-64||||"
                + dtm
                + "||ORU^R01^ORU_R01|"
                + controlId
                + "|P|2.6|||NE|AL||||IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO",
            "PID|1",
            "PV1||I|" + bed.replace('/', '^'),
            "OBR|1|AB12^AcmeGW^ACDE48234567ABCD^EUI-64|CD12^AcmeGW^ACDE48234567ABCD^EUI-64"
                + "|182777000^monitoring of patient^SNOMED-CT|||"
                + dtm,
            "OBX|1||69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC|1|||||||X|||||||"
                + bed.replace("/", "")
                + "00000000^EUI-64",
            "OBX|2|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.0.0.1|"
                + spo2
                + "|262688^MDC_DIM_PERCENT^MDC|||||F|||"
                + dtm);
    store
        .journal()
        .append(
            new RawMessage(
                controlId,
                er7.getBytes(StandardCharsets.UTF_8),
                Hl7Messages.CONTENT_TYPE,
                "mllp",
                "test",
                null,
                clock.instant()))
        .get(10, SECONDS);
    store.pipeline().drain();
  }

  private StoredMeasurement reading(String controlId) {
    return store
        .measurements()
        .find(new MeasurementQuery(null, null, null, FAR_PAST, FAR_FUTURE, 1000))
        .stream()
        .filter(m -> m.rawId().equals(controlId))
        .findFirst()
        .orElseThrow();
  }

  private List<String> subjects(String... controlIds) {
    return Arrays.stream(controlIds)
        .map(id -> reading(id).subject())
        .map(s -> s == null ? "-" : s)
        .toList();
  }

  private Association only(String bed) {
    List<Association> rows = store.associations().history(null, bed);
    assertThat(rows).as(bed).hasSize(1);
    return rows.get(0);
  }

  private static Instant utc(String iso) {
    return Instant.parse(iso);
  }

  @Test
  void hapiGivesEachEventItsV26Structure() throws Exception {
    assertThat(adt("a01-admit-v251.hl7").getName()).isEqualTo("ADT_A01");
    assertThat(adt("a02-transfer-v26.hl7").getName()).isEqualTo("ADT_A02");
    assertThat(adt("a03-discharge-v26.hl7").getName()).isEqualTo("ADT_A03");
    assertThat(adt("a04-register-v251.hl7").getName()).isEqualTo("ADT_A01");
    assertThat(adt("a08-update-v26.hl7").getName()).isEqualTo("ADT_A01");
    assertThat(adt("a11-cancel-admit-v251.hl7").getName()).isEqualTo("ADT_A09");
    assertThat(adt("a12-cancel-transfer-v26.hl7").getName()).isEqualTo("ADT_A12");
    assertThat(adt("a13-cancel-discharge-v26.hl7").getName()).isEqualTo("ADT_A01");
    assertThat(AdtHandler.isAdt(adt("a12-cancel-transfer-v26.hl7"))).isTrue();
    assertThat(
            AdtHandler.isAdt(
                Hl7Messages.parse(
                    Files.readString(
                        Path.of("src/test/resources/pcd01/oru-mixed.hl7"),
                        StandardCharsets.UTF_8))))
        .isFalse();
  }

  @Test
  void lateAdmissionTransferAndDischargeReattributeTheMonitorData() throws Exception {
    monitor("o-301-0930", BED_301, "20261124103000+0100", 96);
    monitor("o-301-1130", BED_301, "20261124123000+0100", 95);
    monitor("o-302-1130", BED_302, "20261124123000+0100", 94);
    monitor("o-302-1430", BED_302, "20261124153000+0100", 93);
    assertThat(subjects("o-301-0930", "o-301-1130", "o-302-1130", "o-302-1430")).containsOnly("-");

    assertThat(apply("a01-admit-v251.hl7")).isEmpty();
    assertThat(subjects("o-301-0930", "o-301-1130", "o-302-1130", "o-302-1430"))
        .containsExactly(PATIENT, PATIENT, "-", "-");
    Association admitted = only(BED_301);
    assertThat(admitted.subject()).isEqualTo(PATIENT);
    assertThat(admitted.encounter()).isEqualTo("VN20260815");
    assertThat(admitted.validFrom()).as("EVN-6").isEqualTo(utc("2026-11-24T09:00:00Z"));
    assertThat(admitted.source()).isEqualTo("adt");

    assertThat(apply("a02-transfer-v26.hl7")).isEmpty();
    assertThat(subjects("o-301-0930", "o-301-1130", "o-302-1130", "o-302-1430"))
        .containsExactly(PATIENT, "-", PATIENT, PATIENT);
    assertThat(only(BED_301).validTo()).isEqualTo(utc("2026-11-24T11:00:00Z"));
    assertThat(only(BED_302).validFrom()).isEqualTo(utc("2026-11-24T11:00:00Z"));

    assertThat(apply("a03-discharge-v26.hl7")).isEmpty();
    assertThat(subjects("o-301-0930", "o-301-1130", "o-302-1130", "o-302-1430"))
        .containsExactly(PATIENT, "-", PATIENT, "-");
    assertThat(only(BED_302).validTo()).as("PV1-45").isEqualTo(utc("2026-11-24T14:00:00Z"));
    assertThat(only(BED_302).causes())
        .containsExactly("ADT a02-transfer-v26.hl7", "ADT a03-discharge-v26.hl7");

    StoredMeasurement late = reading("o-302-1430");
    assertThat(late.status()).isEqualTo("amended");
    assertThat(store.measurements().attributionHistory(late.id()))
        .extracting(AttributionChange::previousSubject, AttributionChange::subject)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(null, PATIENT),
            org.assertj.core.groups.Tuple.tuple(PATIENT, null));
    assertThat(store.outbox().due("hl7", 100))
        .extracting(e -> e.measurement().rawId())
        .containsExactly("o-301-0930", "o-301-1130", "o-302-1130", "o-302-1430");

    // A resent feed changes nothing.
    for (String name :
        List.of("a01-admit-v251.hl7", "a02-transfer-v26.hl7", "a03-discharge-v26.hl7")) {
      assertThat(apply(name)).isEmpty();
    }
    assertThat(store.associations().history(null, BED_301)).hasSize(1);
    assertThat(store.associations().history(null, BED_302)).hasSize(1);
    assertThat(store.measurements().attributionHistory(late.id())).hasSize(2);
  }

  @Test
  void cancellingTheTransferAndThenTheAdmissionUndoesThem() throws Exception {
    monitor("c-301", BED_301, "20261124123000+0100", 95);
    monitor("c-302", BED_302, "20261124123000+0100", 94);
    apply("a01-admit-v251.hl7");
    apply("a02-transfer-v26.hl7");
    assertThat(subjects("c-301", "c-302")).containsExactly("-", PATIENT);

    assertThat(apply("a12-cancel-transfer-v26.hl7")).isEmpty();

    assertThat(subjects("c-301", "c-302")).containsExactly(PATIENT, "-");
    assertThat(only(BED_301).validTo()).isNull();
    assertThat(only(BED_302).cancelledAt()).isEqualTo(clock.instant());
    assertThat(store.associations().at(null, BED_302, utc("2026-11-24T11:30:00Z"))).isEmpty();

    assertThat(apply("a11-cancel-admit-v251.hl7")).isEmpty();

    assertThat(subjects("c-301", "c-302")).containsExactly("-", "-");
    assertThat(only(BED_301).cancelled()).isTrue();
    assertThat(apply("a11-cancel-admit-v251.hl7")).isEmpty();
    assertThat(apply("a12-cancel-transfer-v26.hl7")).isEmpty();
    assertThat(subjects("c-301", "c-302")).containsExactly("-", "-");
  }

  @Test
  void cancellingTheDischargeReopensTheStay() throws Exception {
    monitor("d-302", BED_302, "20261124153000+0100", 93);
    apply("a01-admit-v251.hl7");
    apply("a02-transfer-v26.hl7");
    apply("a03-discharge-v26.hl7");
    assertThat(subjects("d-302")).containsExactly("-");

    assertThat(apply("a13-cancel-discharge-v26.hl7")).isEmpty();

    assertThat(subjects("d-302")).containsExactly(PATIENT);
    assertThat(only(BED_302).validTo()).isNull();
    assertThat(apply("a13-cancel-discharge-v26.hl7")).isEmpty();
    assertThat(only(BED_302).validTo()).isNull();
  }

  @Test
  void anUpdateCorrectsABedAssociatedWithSomeoneElseAndOtherwiseChangesNothing() throws Exception {
    monitor("u-0945", BED_301, "20261124104500+0100", 96);
    monitor("u-1045", BED_301, "20261124114500+0100", 95);
    apply("a01-admit-v251.hl7");

    assertThat(apply("a08-update-v26.hl7")).isEmpty();

    assertThat(subjects("u-0945", "u-1045")).containsExactly(PATIENT, OTHER_PATIENT);
    assertThat(store.associations().history(null, BED_301))
        .extracting(a -> a.subject() + " " + a.validFrom() + " " + a.validTo())
        .containsExactly(
            PATIENT + " 2026-11-24T09:00:00Z 2026-11-24T10:30:00Z",
            OTHER_PATIENT + " 2026-11-24T10:30:00Z null");

    assertThat(apply("a08-update-v26.hl7")).isEmpty();
    String samePatient =
        fixture("a08-update-v26.hl7")
            .replace("ADT00008", "ADT00009")
            .replace("20261124113000+0100", "20261124114000+0100");
    assertThat(handler.apply(Hl7Messages.parse(samePatient), "ADT same patient")).isEmpty();
    String discharged =
        fixture("a08-update-v26.hl7")
            .replace("PAT0815", PATIENT)
            .replace("20261124113000+0100", "20261124160000+0100")
            .replace("20261124100000+0100\r", "20261124100000+0100|20261124150000+0100\r");
    assertThat(handler.apply(Hl7Messages.parse(discharged), "ADT discharged")).isEmpty();
    assertThat(store.associations().history(null, BED_301)).hasSize(2);
  }

  @Test
  void timesWithoutAnOffsetAreReadInTheConfiguredZone() throws Exception {
    assertThat(apply("a04-register-v251.hl7")).isEmpty();
    assertThat(only("ED/BAY/3").validFrom()).isEqualTo(utc("2026-11-24T09:30:00Z"));
    assertThat(only("ED/BAY/3").subject()).isEqualTo(OTHER_PATIENT);

    AdtHandler zurich = new AdtHandler(store.associations(), ZoneId.of("Europe/Zurich"));
    Message moved = Hl7Messages.parse(fixture("a04-register-v251.hl7").replace("BAY^3", "BAY^4"));
    assertThat(zurich.apply(moved, "ADT zurich")).isEmpty();
    assertThat(only("ED/BAY/4").validFrom()).isEqualTo(utc("2026-11-24T08:30:00Z"));
  }

  @Test
  void contentThatCannotBeAppliedIsReportedNotThrown() throws Exception {
    String admit = fixture("a01-admit-v251.hl7");
    String noPatient = admit.replace("PAT4711^^^GENHOSP^MR~756.1234.5678.97^^^CHE^NNCHE", "");
    String noBed =
        fixture("a02-transfer-v26.hl7").replace("|I|ICU^302^1^GENHOSP^^N^ICUBLD^2|", "|I||");
    String badTime = admit.replace("|20261124100000+0100\rPID", "|2026-11-24T10:00\rPID");
    String noTime =
        admit
            .replace("20261124101530+0100", "")
            .replace("20261124101500+0100", "")
            .replace("|20261124100000+0100\rPID", "|\rPID");
    String a05 = admit.replace("ADT^A01^ADT_A01", "ADT^A05^ADT_A05");

    assertThat(handler.apply(Hl7Messages.parse(noPatient), "x"))
        .extracting(Hl7Acknowledgment.Error::location, Hl7Acknowledgment.Error::code)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("PID^1^3", "101"));
    assertThat(handler.apply(Hl7Messages.parse(noBed), "x"))
        .extracting(Hl7Acknowledgment.Error::location, Hl7Acknowledgment.Error::code)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("PV1^1^3", "101"));
    assertThat(handler.apply(Hl7Messages.parse(badTime), "x"))
        .extracting(Hl7Acknowledgment.Error::location, Hl7Acknowledgment.Error::code)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("EVN^1^6", "102"));
    assertThat(handler.apply(Hl7Messages.parse(noTime), "x"))
        .extracting(Hl7Acknowledgment.Error::location, Hl7Acknowledgment.Error::code)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("EVN^1^2", "101"));
    assertThat(handler.apply(Hl7Messages.parse(a05), "x"))
        .extracting(Hl7Acknowledgment.Error::code)
        .containsExactly("201");
    assertThat(store.associations().history(null, BED_301)).isEmpty();

    Store closed = open("closed.db");
    closed.close();
    List<Hl7Acknowledgment.Error> failed =
        new AdtHandler(closed.associations()).apply(adt("a01-admit-v251.hl7"), "x");
    assertThat(failed)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.code()).isEqualTo("207");
              assertThat(e.text()).doesNotContain(PATIENT);
            });
  }

  @Test
  void nothingAboutThePatientIsLogged() throws Exception {
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(AdtHandler.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    logger.addAppender(logs);
    Level level = logger.getLevel();
    logger.setLevel(Level.INFO);
    try {
      monitor("l-301", BED_301, "20261124103000+0100", 96);
      for (String name :
          List.of(
              "a01-admit-v251.hl7",
              "a02-transfer-v26.hl7",
              "a12-cancel-transfer-v26.hl7",
              "a08-update-v26.hl7",
              "a11-cancel-admit-v251.hl7")) {
        apply(name);
      }
      Store closed = open("closed.db");
      closed.close();
      new AdtHandler(closed.associations()).apply(adt("a01-admit-v251.hl7"), "x");
    } finally {
      logger.detachAppender(logs);
      logger.setLevel(level);
    }

    assertThat(logs.list).isNotEmpty();
    assertThat(logs.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .allSatisfy(
            line ->
                assertThat(line)
                    .doesNotContain(PATIENT)
                    .doesNotContain(OTHER_PATIENT)
                    .doesNotContain("Müller")
                    .doesNotContain("VN20260815"));
  }
}
