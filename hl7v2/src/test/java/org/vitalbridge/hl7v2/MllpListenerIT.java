package org.vitalbridge.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v26.message.ACK;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.core.harmonize.Harmonizer;
import org.vitalbridge.core.harmonize.HarmonizerSettings;
import org.vitalbridge.core.model.Containment;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.core.terminology.TerminologyLoader;
import org.vitalbridge.core.testkit.MutableClock;
import org.vitalbridge.core.units.UnitResolver;
import org.vitalbridge.store.MeasurementQuery;
import org.vitalbridge.store.NegativeAcks;
import org.vitalbridge.store.QuarantineEntry;
import org.vitalbridge.store.RetentionPolicy;
import org.vitalbridge.store.Store;
import org.vitalbridge.store.StoreConfig;
import org.vitalbridge.store.StoredMeasurement;

/**
 * PCD-01 over real MLLP sockets: HAPI's client as the device gateway, plain sockets for framing.
 */
class MllpListenerIT {
  static final MessageProcessor PROCESSOR =
      new MessageProcessor(
          List.of(new Pcd01Decoder()),
          new Harmonizer(
              TerminologyLoader.shipped(), UnitResolver.shipped(), HarmonizerSettings.DEFAULTS));
  static final MeasurementQuery ALL =
      new MeasurementQuery(
          null,
          null,
          null,
          Instant.parse("2000-01-01T00:00:00Z"),
          Instant.parse("2100-01-01T00:00:00Z"),
          1000);

  @TempDir Path tmp;
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T10:16:00Z"));
  Store store;
  MllpListener listener;
  HapiContext hapi;

  @BeforeEach
  void start() throws IOException {
    store =
        Store.open(
            StoreConfig.sqlite(tmp.resolve("vb.db")),
            PROCESSOR,
            clock,
            new RetentionPolicy(null, null, 0, 0));
    listener = new MllpListener(config(Duration.ofMinutes(1)), store, PROCESSOR, clock);
    listener.start();
    hapi = new DefaultHapiContext();
    hapi.setValidationContext(ValidationContextFactory.noValidation());
    hapi.setModelClassFactory(new CanonicalModelClassFactory("2.6"));
  }

  static MllpListenerConfig config(Duration idle) {
    return new MllpListenerConfig(
        "127.0.0.1", 0, 16, idle, 64 * 1024, StandardCharsets.UTF_8, Duration.ofSeconds(30), null);
  }

  @AfterEach
  void stop() throws IOException {
    hapi.close();
    listener.close();
    store.close();
  }

  static String fixture(String name) throws IOException {
    return Files.readString(Path.of("src/test/resources/pcd01/" + name), StandardCharsets.UTF_8);
  }

  ACK sendWithHapi(String er7) throws Exception {
    Connection c = hapi.newClient("127.0.0.1", listener.port(), false);
    try {
      Message msg = hapi.getPipeParser().parse(er7);
      return (ACK) c.getInitiator().sendAndReceive(msg);
    } finally {
      c.close();
    }
  }

  List<StoredMeasurement> processed() throws Exception {
    store.pipeline().drain();
    return store.measurements().find(ALL);
  }

  @Test
  void aValidMultiObxMessageIsStoredWithItsContainmentAndAcknowledgedAa() throws Exception {
    ACK ack = sendWithHapi(fixture("oru-containment.hl7"));

    assertThat(ack.getMSA().getAcknowledgmentCode().getValue()).isEqualTo("AA");
    assertThat(ack.getMSA().getMessageControlID().getValue()).isEqualTo("MSG0002");
    // Acknowledged means journaled: the raw message is on disk before anything processed it.
    assertThat(store.retention().usage().rawCount()).isEqualTo(1);
    List<StoredMeasurement> stored = processed();
    assertThat(stored).hasSize(2);
    assertThat(stored)
        .allSatisfy(
            m -> {
              assertThat(m.subject()).isEqualTo("12345");
              assertThat(m.location()).isEqualTo("ICU/301/1");
              assertThat(m.device()).isEqualTo("0123456789ABCDEF");
            });
    assertThat(stored.stream().map(m -> m.toMeasurement().containment()).map(Containment::path))
        .containsExactlyInAnyOrder("1.1.1.1", "1.2.1.1");
  }

  @Test
  void aWaveformStripIsAcknowledgedAaAndStoredAsASampledSeries() throws Exception {
    String er7 =
        Pcd01DecoderTest.withWaveform("0.1^-0.25^1.5^2^0", Pcd01DecoderTest.RATE_250)
            .replace("MSG0002", "MSGWAVE1");

    ACK ack = sendWithHapi(er7);

    assertThat(ack.getMSA().getAcknowledgmentCode().getValue()).isEqualTo("AA");
    assertThat(ack.getERRReps()).isZero();
    List<StoredMeasurement> stored = processed();
    // SpO2, NIBP and the strip; the rate, range and resolution rows store nothing.
    assertThat(stored).hasSize(3);
    assertThat(store.quarantine().open(10)).isEmpty();
    StoredMeasurement ecg =
        stored.stream().filter(m -> m.mdc() == 131330).findFirst().orElseThrow();
    assertThat(ecg.valueKind()).isEqualTo("series");
    assertThat(org.vitalbridge.core.model.Value.SampledSeries.parse(ecg.value()))
        .isEqualTo(
            new org.vitalbridge.core.model.Value.SampledSeries(
                java.math.BigDecimal.ZERO,
                new java.math.BigDecimal("4"),
                new java.math.BigDecimal("0.01"),
                "mV",
                List.of(10L, -25L, 150L, 200L, 0L)));
    assertThat(ecg.observedAt()).isEqualTo(Instant.parse("2026-11-24T10:15:00Z"));
  }

  @Test
  void obx14LocalTimeWithOffsetIsStoredAsTheRightInstant() throws Exception {
    String er7 =
        fixture("oru-containment.hl7")
            .replace(
                "|98|262688^MDC_DIM_PERCENT^MDC|||||R|||20261124101500+0000",
                "|98|262688^MDC_DIM_PERCENT^MDC|||||R|||20261124111500+0100");

    assertThat(sendWithHapi(er7).getMSA().getAcknowledgmentCode().getValue()).isEqualTo("AA");
    assertThat(processed())
        .filteredOn(m -> m.mdc() == 150456)
        .singleElement()
        .extracting(StoredMeasurement::observedAt)
        .isEqualTo(Instant.parse("2026-11-24T10:15:00Z"));
  }

  @Test
  void aBadNumericValueIsAnsweredAeAndOnlyThatRowIsQuarantined() throws Exception {
    ACK ack = sendWithHapi(fixture("oru-mixed.hl7"));

    assertThat(ack.getMSA().getAcknowledgmentCode().getValue()).isEqualTo("AE");
    assertThat(ack.getERRReps()).isEqualTo(1);
    assertThat(ack.getERR(0).getErrorLocation(0).encode()).isEqualTo("OBX^5^5");
    assertThat(ack.getERR(0).getHL7ErrorCode().getIdentifier().getValue()).isEqualTo("102");
    assertThat(ack.getERR(0).getSeverity().getValue()).isEqualTo("E");
    assertThat(processed()).hasSize(3);
    List<QuarantineEntry> quarantined = store.quarantine().open(10);
    assertThat(quarantined).singleElement().extracting(QuarantineEntry::field).isEqualTo("OBX^5^5");
    assertThat(store.negativeAcks().find(null, "MSG0001", null, 10))
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.direction()).isEqualTo(NegativeAcks.INBOUND);
              assertThat(n.code()).isEqualTo("AE");
              assertThat(n.peer()).isEqualTo("ACDE48234567ABCD");
              assertThat(n.errors())
                  .extracting(NegativeAcks.Error::location)
                  .containsExactly("OBX^5^5");
            });
  }

  @Test
  void anUnsupportedMessageTypeIsAnsweredArAndKeptInQuarantine() throws Exception {
    String orm =
        fixture("oru-containment.hl7")
            .replace("ORU^R01^ORU_R01|MSG0002", "ORM^O01^ORM_O01|ORM0001");

    ACK ack = sendWithHapi(orm);

    assertThat(ack.getMSA().getAcknowledgmentCode().getValue()).isEqualTo("AR");
    assertThat(ack.getERR(0).getHL7ErrorCode().getIdentifier().getValue()).isEqualTo("200");
    assertThat(processed()).isEmpty();
    assertThat(store.quarantine().open(10))
        .singleElement()
        .extracting(QuarantineEntry::reason)
        .isEqualTo("unsupported-message");
    assertThat(store.negativeAcks().find(null, "ORM0001", null, 10)).hasSize(1);
  }

  @Test
  void anUnsupportedVersionIsAnsweredArAndNothingIsStored() throws Exception {
    String v23 = fixture("oru-containment.hl7").replace("|P|2.6|", "|P|2.3|");

    ACK ack = sendWithHapi(v23);

    assertThat(ack.getMSA().getAcknowledgmentCode().getValue()).isEqualTo("AR");
    assertThat(ack.getERR(0).getHL7ErrorCode().getIdentifier().getValue()).isEqualTo("203");
    assertThat(processed()).isEmpty();
    assertThat(store.quarantine().openCount()).isEqualTo(1);
  }

  @Test
  void aResentControlIdIsAcknowledgedAgainAndStoredOnce() throws Exception {
    String er7 = fixture("oru-containment.hl7");

    assertThat(sendWithHapi(er7).getMSA().getAcknowledgmentCode().getValue()).isEqualTo("AA");
    assertThat(sendWithHapi(er7).getMSA().getAcknowledgmentCode().getValue()).isEqualTo("AA");

    assertThat(store.retention().usage().rawCount()).isEqualTo(1);
    assertThat(processed()).hasSize(2);
  }

  @Test
  void aConnectionDroppedBeforeTheAckThenResentStoresTheMessageOnce() throws Exception {
    byte[] payload = er7Bytes(fixture("oru-containment.hl7"), StandardCharsets.UTF_8);
    try (Socket s = new Socket("127.0.0.1", listener.port())) {
      MllpFrameReader.write(s.getOutputStream(), payload);
    } // closed without reading the ACK

    String ack;
    try (Socket s = new Socket("127.0.0.1", listener.port())) {
      s.setSoTimeout(30_000);
      MllpFrameReader.write(s.getOutputStream(), payload);
      ack = readAck(s.getInputStream(), StandardCharsets.UTF_8);
    }

    assertThat(ack).contains("MSA|AA|MSG0002");
    assertThat(store.retention().usage().rawCount()).isEqualTo(1);
    assertThat(processed()).hasSize(2);
  }

  @Test
  void framesSplitAcrossWritesWithNoiseBetweenThemAreAllAnswered() throws Exception {
    byte[] first = er7Bytes(fixture("oru-containment.hl7"), StandardCharsets.UTF_8);
    byte[] second =
        er7Bytes(
            fixture("oru-containment.hl7").replace("MSG0002", "MSG0003").replace("|98|", "|97|"),
            StandardCharsets.UTF_8);
    try (Socket s = new Socket("127.0.0.1", listener.port())) {
      s.setSoTimeout(30_000);
      s.setTcpNoDelay(true);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      out.write("\r\n".getBytes(StandardCharsets.US_ASCII)); // keep-alive noise
      out.write(0x0b);
      out.write(first, 0, 40);
      out.flush();
      Thread.sleep(50); // let the first piece arrive on its own
      out.write(first, 40, first.length - 40);
      out.write(0x1c);
      out.flush();
      Thread.sleep(50);
      out.write(0x0d);
      out.flush();
      assertThat(readAck(in, StandardCharsets.UTF_8)).contains("MSA|AA|MSG0002");
      out.write("garbage".getBytes(StandardCharsets.US_ASCII));
      MllpFrameReader.write(out, second);
      assertThat(readAck(in, StandardCharsets.UTF_8)).contains("MSA|AA|MSG0003");
    }
    // The second message repeats the blood pressure: same device, time and value, stored once.
    assertThat(processed()).hasSize(3);
  }

  @Test
  void nonAsciiPatientNamesKeepTheirBytesInEitherDeclaredCharset() throws Exception {
    String utf8 = fixture("oru-containment.hl7").replace("Doe^Jane", "Müller^Jürgen^Ångström");
    String latin1 =
        utf8.replace("UNICODE UTF-8", "8859/1")
            .replace("MSG0002", "MSG0004")
            .replace("|98|", "|96|");

    for (var c : List.of(Charset.forName("UTF-8"), Charset.forName("ISO-8859-1"))) {
      String er7 = c.name().equals("UTF-8") ? utf8 : latin1;
      byte[] sent = er7Bytes(er7, c);
      try (Socket s = new Socket("127.0.0.1", listener.port())) {
        s.setSoTimeout(30_000);
        MllpFrameReader.write(s.getOutputStream(), sent);
        assertThat(readAck(s.getInputStream(), c)).contains("MSA|AA|");
      }
    }

    assertThat(processed()).hasSize(3);
    assertThat(
            new Msh18Charsets(StandardCharsets.UTF_8)
                .decode(er7Bytes(latin1, StandardCharsets.ISO_8859_1)))
        .contains("Müller^Jürgen^Ångström");
  }

  @Test
  void enhancedModeAcceptAcknowledgmentIsCaAfterTheCommit() throws Exception {
    // MSH-15 AL, MSH-16 NE: an accept acknowledgment only.
    String er7 = fixture("oru-containment.hl7").replace("|NE|AL|", "|AL|NE|");
    byte[] payload = er7Bytes(er7, StandardCharsets.UTF_8);
    try (Socket s = new Socket("127.0.0.1", listener.port())) {
      s.setSoTimeout(30_000);
      MllpFrameReader.write(s.getOutputStream(), payload);
      assertThat(readAck(s.getInputStream(), StandardCharsets.UTF_8)).contains("MSA|CA|MSG0002");
    }
    assertThat(store.retention().usage().rawCount()).isEqualTo(1);
  }

  @Test
  void anUnparseableMessageIsAnsweredAndKeptWithItsBytes() throws Exception {
    byte[] junk =
        "MSH|^~\\&|GW||||20261124||ORU^R01|X1|P|2.6\rOBX|1|NM|\u0000\u0001|||"
            .getBytes(StandardCharsets.ISO_8859_1);
    byte[] notHl7 = "hello, this is not HL7".getBytes(StandardCharsets.US_ASCII);
    try (Socket s = new Socket("127.0.0.1", listener.port())) {
      s.setSoTimeout(30_000);
      MllpFrameReader.write(s.getOutputStream(), notHl7);
      assertThat(readAck(s.getInputStream(), StandardCharsets.UTF_8)).contains("MSA|AR|");
      MllpFrameReader.write(s.getOutputStream(), junk);
      assertThat(readAck(s.getInputStream(), StandardCharsets.UTF_8)).contains("MSA|AE|X1");
    }
    store.pipeline().drain();
    assertThat(store.retention().usage().rawCount()).isEqualTo(2);
    assertThat(store.quarantine().open(10))
        .extracting(QuarantineEntry::reason)
        .containsExactly("malformed-payload", "malformed-payload");
  }

  @Test
  void anIdleConnectionIsClosedByTheListener() throws Exception {
    listener.close();
    listener = new MllpListener(config(Duration.ofMillis(200)), store, PROCESSOR, clock);
    listener.start();
    try (Socket s = new Socket("127.0.0.1", listener.port())) {
      s.setSoTimeout(30_000);
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
  }

  static byte[] er7Bytes(String er7, Charset charset) {
    return Hl7Messages.normalizeSegmentSeparators(er7).concat("\r").getBytes(charset);
  }

  /** Reads one MLLP frame as text. */
  static String readAck(InputStream in, Charset charset) throws IOException {
    MllpFrameReader.Frame f = new MllpFrameReader(in, 1 << 20).next();
    assertThat(f).isInstanceOf(MllpFrameReader.Frame.Message.class);
    return new String(((MllpFrameReader.Frame.Message) f).payload(), charset);
  }
}
