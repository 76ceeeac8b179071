package org.vitalbridge.devices.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.store.MeasurementQuery;
import org.vitalbridge.store.QuarantineEntry;
import org.vitalbridge.store.RetentionPolicy;
import org.vitalbridge.store.Store;
import org.vitalbridge.store.StoreConfig;
import org.vitalbridge.store.StoredMeasurement;

/** The serial adapter on one end of a real pseudo-terminal pair, a device writer on the other. */
class SerialPtyIT {
  static final Clock CLOCK = Clock.fixed(SerialFixtures.NOW, ZoneOffset.UTC);
  static final MeasurementQuery ALL =
      new MeasurementQuery(
          null,
          null,
          null,
          Instant.parse("2000-01-01T00:00:00Z"),
          Instant.parse("2100-01-01T00:00:00Z"),
          100_000);

  @TempDir Path tmp;
  SocatPty pty;
  Store store;
  SerialIngest ingest;

  @BeforeEach
  void setUp() throws Exception {
    SocatPty.requireAvailable();
    pty = new SocatPty(tmp).start();
    store =
        Store.open(
            StoreConfig.sqlite(tmp.resolve("vb.db")),
            SerialFixtures.PROCESSOR,
            CLOCK,
            new RetentionPolicy(null, null, 0, 0));
    store.pipeline().start();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (ingest != null) {
      ingest.close();
    }
    if (store != null) {
      store.close();
    }
    if (pty != null) {
      pty.close();
    }
  }

  SerialPortConfig config(String protocol) {
    return new SerialPortConfig(
        pty.port.toString(),
        9600,
        8,
        SerialPortConfig.Parity.NONE,
        SerialPortConfig.StopBits.ONE,
        SerialPortConfig.FlowControl.NONE,
        protocol,
        "OX-1",
        Duration.ofMillis(500),
        Duration.ofMillis(100),
        256);
  }

  void startAdapter(String protocol) {
    ingest =
        SerialIngest.start(config(protocol), SerialFixtures.PROTOCOLS, store.ingestor(), CLOCK);
    await().atMost(Duration.ofSeconds(10)).until(ingest::connected);
  }

  List<StoredMeasurement> measurements() {
    return store.measurements().find(ALL);
  }

  List<QuarantineEntry> quarantine() {
    return store.quarantine().open(1000);
  }

  String rawOf(QuarantineEntry q) {
    return new String(
        store.quarantine().raw(q.rawSeq()).orElseThrow().message().payload(),
        StandardCharsets.ISO_8859_1);
  }

  @Test
  void taggedLinesBecomeMeasurementsAndDashesAreQuarantined() throws Exception {
    startAdapter("oximeter-tagged-ascii");
    pty.write(SerialDecoderTest.RAD + "\r\n");
    pty.write(
        "02/24/18 04:48:54 SN=0000145838 SPO2=---% BPM=--- PI=--.--% ALARM=0000 EXC=000001\r\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> measurements().size() == 3);
    await().atMost(Duration.ofSeconds(10)).until(() -> quarantine().size() == 3);
    StoredMeasurement spo2 =
        measurements().stream()
            .filter(m -> m.refId().equals("MDC_PULS_OXIM_SAT_O2"))
            .findFirst()
            .orElseThrow();
    assertThat(spo2.device()).isEqualTo("OX-1");
    assertThat(spo2.observedAt()).isEqualTo(Instant.parse("2018-02-24T03:48:53Z"));
    assertThat(quarantine()).extracting(QuarantineEntry::reason).containsOnly("no-value");
    assertThat(ingest.lines()).isEqualTo(2);
  }

  @Test
  void linesSplitAcrossWritesAreReassembled() throws Exception {
    startAdapter("oximeter-spo2-hr");
    pty.write("SPO2=0");
    Thread.sleep(100);
    pty.write("97 HR=0");
    Thread.sleep(100);
    pty.write("68\r");
    Thread.sleep(50);
    pty.write("\nSPO2= 98 HR= 70*\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> measurements().size() == 4);
    assertThat(measurements()).extracting(StoredMeasurement::value).contains("97", "68", "98");
    assertThat(quarantine()).isEmpty();
    assertThat(ingest.garbage()).isZero();
  }

  @Test
  void badBytesAreQuarantinedWithTheLineAndTheStreamResynchronises() throws Exception {
    startAdapter("oximeter-spo2-hr");
    pty.write("SPO2=097 H\u0000R=068\nSPO2=096 HR=067\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> measurements().size() == 2);
    await().atMost(Duration.ofSeconds(10)).until(() -> quarantine().size() == 1);
    QuarantineEntry q = quarantine().get(0);
    assertThat(q.reason()).isEqualTo("malformed-payload");
    assertThat(q.detail()).contains("non-printable byte 0x00");
    assertThat(rawOf(q)).isEqualTo("SPO2=097 H\u0000R=068");
  }

  @Test
  void baudMismatchGarbageIsQuarantinedNotSkippedAndGoodLinesFollow() throws Exception {
    startAdapter("oximeter-spo2-hr");
    // A port at the wrong baud rate reads framing noise: mostly high-bit bytes, some of which
    // happen to be printable or line ends. (A pty has no baud rate; the noise is what it reads.)
    Random random = new Random(42);
    byte[] noise = new byte[600];
    for (int i = 0; i < noise.length; i++) {
      noise[i] = (byte) (random.nextInt(256) | (i % 7 == 0 ? 0 : 0x80));
    }
    pty.write(noise);
    pty.write("\nSPO2=099 HR=071\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> measurements().size() == 2);
    await().atMost(Duration.ofSeconds(10)).until(() -> ingest.garbage() + ingest.lines() > 1);
    // Every noise byte is kept: in garbage chunks, or as lines the decoder quarantined.
    long kept = quarantine().stream().mapToLong(q -> rawOf(q).length()).sum();
    long terminators = 0;
    for (byte b : noise) {
      if (b == '\r' || b == '\n') {
        terminators++;
      }
    }
    assertThat(kept).isEqualTo(noise.length - terminators);
    assertThat(ingest.lost()).isZero();
  }

  @Test
  void pulledCableReconnectsAndReadsOn() throws Exception {
    startAdapter("oximeter-spo2-hr");
    pty.write("SPO2=097 HR=068\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> measurements().size() == 2);
    // Half a line, then the cable goes.
    pty.write("SPO2=09");
    Thread.sleep(100);
    pty.kill();
    await().atMost(Duration.ofSeconds(10)).until(() -> !ingest.connected());
    pty.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> ingest.connects() == 2);
    await().atMost(Duration.ofSeconds(10)).until(ingest::connected);
    pty.write("SPO2=095 HR=066\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> measurements().size() == 4);
    // The fragment cut off by the pull is quarantined as incomplete, not lost.
    await().atMost(Duration.ofSeconds(10)).until(() -> quarantine().size() == 1);
    assertThat(quarantine().get(0).detail()).contains("incomplete line");
    assertThat(rawOf(quarantine().get(0))).isEqualTo("SPO2=09");
  }

  @Test
  void partialLineIsQuarantinedAfterTheReadTimeout() throws Exception {
    startAdapter("oximeter-spo2-hr");
    pty.write("SPO2=097 HR=0");
    await().atMost(Duration.ofSeconds(10)).until(() -> quarantine().size() == 1);
    assertThat(quarantine().get(0).detail()).contains("no line end within PT0.5S");
    pty.write("SPO2=097 HR=068\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> measurements().size() == 2);
  }

  @Test
  void aPortThatIsNotThereYetIsWaitedFor() throws Exception {
    pty.kill();
    ingest =
        SerialIngest.start(
            config("oximeter-spo2-hr"), SerialFixtures.PROTOCOLS, store.ingestor(), CLOCK);
    Thread.sleep(300);
    assertThat(ingest.connected()).isFalse();
    pty.start();
    await().atMost(Duration.ofSeconds(10)).until(ingest::connected);
    pty.write("SPO2=097 HR=068\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> measurements().size() == 2);
  }
}
