package org.vitalbridge.devices.phd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vitalbridge.devices.phd.AgentApdus.SYSTEM_ID;
import static org.vitalbridge.devices.phd.AgentApdus.bcd;
import static org.vitalbridge.devices.phd.AgentApdus.concat;
import static org.vitalbridge.devices.phd.AgentApdus.sfloat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.core.harmonize.Harmonizer;
import org.vitalbridge.core.harmonize.HarmonizerSettings;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.core.terminology.TerminologyLoader;
import org.vitalbridge.core.testkit.MutableClock;
import org.vitalbridge.core.units.UnitResolver;
import org.vitalbridge.store.MeasurementQuery;
import org.vitalbridge.store.RetentionPolicy;
import org.vitalbridge.store.Store;
import org.vitalbridge.store.StoreConfig;
import org.vitalbridge.store.StoredMeasurement;

/** A 20601 agent simulator over real TCP against the listener and a SQLite store. */
class PhdListenerIT {
  private static final MessageProcessor PROCESSOR =
      new MessageProcessor(
          List.of(new PhdReportDecoder()),
          new Harmonizer(
              TerminologyLoader.shipped(), UnitResolver.shipped(), HarmonizerSettings.DEFAULTS));
  private static final MeasurementQuery ALL =
      new MeasurementQuery(
          null,
          null,
          null,
          Instant.parse("2000-01-01T00:00:00Z"),
          Instant.parse("2100-01-01T00:00:00Z"),
          10_000);
  private static final String TIME = "2026112410150000";

  @TempDir Path tmp;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T10:16:00Z"));
  private Store store;
  private PhdListener listener;

  @BeforeEach
  void start() throws Exception {
    store =
        Store.open(
            StoreConfig.sqlite(tmp.resolve("vb.db")),
            PROCESSOR,
            clock,
            new RetentionPolicy(null, null, 0, 0));
    listener =
        PhdListener.start(
            PhdListenerConfig.of("127.0.0.1", 0).withIdleTimeout(Duration.ofSeconds(20)),
            store.ingestor(),
            clock);
  }

  @AfterEach
  void stop() {
    listener.close();
    store.close();
  }

  private List<StoredMeasurement> measurements() throws Exception {
    store.pipeline().drain();
    return store.measurements().find(ALL);
  }

  private static String hex(byte[] b) {
    return HexFormat.of().withUpperCase().formatHex(b);
  }

  private static byte[] oximeterReport(int invokeId, boolean confirmed, int spo2, int pulse) {
    return AgentApdus.fixedScan(
        invokeId,
        confirmed,
        1,
        concat(sfloat(0, spo2), bcd(TIME)),
        10,
        concat(sfloat(0, pulse), bcd(TIME)));
  }

  @Test
  void standardConfigurationReportsAreStoredAnsweredAndReleased() throws Exception {
    try (AgentSimulator agent = new AgentSimulator(listener.port())) {
      assertThat(hex(agent.exchange(AgentApdus.aarq(SYSTEM_ID, 0x0190))))
          .startsWith("E300002C0000");
      byte[] answer = agent.exchange(oximeterReport(0x0042, true, 97, 65));
      assertThat(hex(answer)).isEqualTo("E700001200100042020100" + "0A0000000000000D1D0000");
      agent.send(oximeterReport(0x0043, false, 96, 66)); // unconfirmed: no answer
      byte[] var =
          AgentApdus.varScan(
              0x0044,
              1,
              Phd.ATTR_NU_VAL_OBS_BASIC,
              sfloat(-1, 955),
              Phd.ATTR_TIME_STAMP_ABS,
              bcd(TIME));
      assertThat(hex(agent.exchange(var))).contains("0D1E");
      assertThat(hex(agent.exchange(AgentApdus.rlrq()))).isEqualTo("E50000020000");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> measurements().size() == 5);
    assertThat(measurements())
        .allSatisfy(m -> assertThat(m.device()).isEqualTo("00-11-22-33-44-55-66-77"))
        .extracting(StoredMeasurement::mdc, StoredMeasurement::value)
        .contains(
            org.assertj.core.groups.Tuple.tuple(150456, "97"),
            org.assertj.core.groups.Tuple.tuple(149530, "65"),
            org.assertj.core.groups.Tuple.tuple(150456, "95.5"));
    assertThat(measurements())
        .filteredOn(m -> m.value().equals("97"))
        .singleElement()
        .satisfies(
            m -> assertThat(m.observedAt()).isEqualTo(Instant.parse("2026-11-24T10:15:00Z")));
  }

  @Test
  void anUnknownConfigurationIsExchangedOnceAndRememberedForTheNextAssociation() throws Exception {
    byte[] report = AgentApdus.fixedScan(2, true, 7, concat(sfloat(0, 94), bcd(TIME)));
    try (AgentSimulator agent = new AgentSimulator(listener.port())) {
      assertThat(hex(agent.exchange(AgentApdus.aarq(SYSTEM_ID, 0x4000))))
          .startsWith("E300002C0003");
      assertThat(hex(agent.exchange(AgentApdus.configReport(1, AgentApdus.extendedOximeter()))))
          .endsWith("0D1C000400010000");
      assertThat(hex(agent.exchange(report))).contains("0D1D");
      agent.exchange(AgentApdus.rlrq());
    }
    try (AgentSimulator again = new AgentSimulator(listener.port())) {
      assertThat(hex(again.exchange(AgentApdus.aarq(SYSTEM_ID, 0x4000))))
          .startsWith("E300002C0000");
      assertThat(
              hex(
                  again.exchange(
                      AgentApdus.fixedScan(3, true, 7, concat(sfloat(0, 93), bcd(TIME))))))
          .contains("0D1D");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> measurements().size() == 2);
    assertThat(measurements())
        .extracting(StoredMeasurement::value)
        .containsExactlyInAnyOrder("94", "93");
  }

  @Test
  void aConfirmedReportIsAnsweredOnlyAfterTheJournalCommit() throws Exception {
    try (AgentSimulator agent = new AgentSimulator(listener.port());
        Connection writer = DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("vb.db"));
        Statement st = writer.createStatement()) {
      agent.exchange(AgentApdus.aarq(SYSTEM_ID, 0x0190));
      st.execute("BEGIN IMMEDIATE");
      agent.send(oximeterReport(9, true, 97, 65));
      assertThat(agent.receive(1_000)).as("no answer while the journal cannot commit").isNull();
      st.execute("ROLLBACK");
      assertThat(hex(agent.receive())).startsWith("E7000012001000090201");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> measurements().size() == 2);
  }

  @Test
  void abortGarbageAndUnexpectedApdus() throws Exception {
    try (AgentSimulator agent = new AgentSimulator(listener.port())) {
      // A report before association is answered with ABRT.
      assertThat(hex(agent.exchange(oximeterReport(1, true, 97, 65)))).isEqualTo("E60000020000");
      agent.exchange(AgentApdus.aarq(SYSTEM_ID, 0x0190));
      agent.send(ApduCodec.abrt(Phd.ABORT_UNDEFINED)); // the agent aborts
      assertThat(hex(agent.exchange(AgentApdus.aarq(SYSTEM_ID, 0x0190))))
          .startsWith("E300002C0000");
      agent.send("GET / HTTP/1.1\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      assertThat(hex(agent.receive())).isEqualTo("E60000020000");
      assertThat(agent.closedByManager(5_000)).isTrue();
    }
    store.pipeline().drain();
    await().atMost(Duration.ofSeconds(10)).until(() -> store.quarantine().openCount() >= 1);
    assertThat(measurements()).isEmpty();
  }

  @Test
  void shutdownReleasesAssociatedAgents() throws Exception {
    try (AgentSimulator agent = new AgentSimulator(listener.port())) {
      agent.exchange(AgentApdus.aarq(SYSTEM_ID, 0x0190));
      Thread closer = new Thread(listener::close);
      long start = System.nanoTime();
      closer.start();
      assertThat(hex(agent.receive())).isEqualTo("E40000020000");
      agent.send(ApduCodec.rlre(Phd.RELEASE_NORMAL));
      closer.join(10_000);
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isLessThan(PhdManager.RELEASE_TIMEOUT);
      assertThat(agent.closedByManager(5_000)).isTrue();
    }
  }

  @Test
  void manyAgentsAtOnce() throws Exception {
    int agents = 12;
    ExecutorService pool = Executors.newFixedThreadPool(agents);
    try {
      List<Future<String>> answers = new ArrayList<>();
      for (int i = 0; i < agents; i++) {
        String systemId = String.format("00112233445566%02X", i);
        answers.add(
            pool.submit(
                () -> {
                  try (AgentSimulator agent = new AgentSimulator(listener.port())) {
                    agent.exchange(AgentApdus.aarq(systemId, 0x0190));
                    String answer = hex(agent.exchange(oximeterReport(5, true, 97, 65)));
                    agent.exchange(AgentApdus.rlrq());
                    return answer;
                  }
                }));
      }
      for (Future<String> f : answers) {
        assertThat(f.get()).startsWith("E7000012");
      }
    } finally {
      pool.shutdownNow();
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> measurements().size() == 2 * agents);
    assertThat(measurements().stream().map(StoredMeasurement::device).distinct()).hasSize(agents);
  }
}
