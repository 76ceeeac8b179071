package org.vitalbridge.devices.serial;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.vitalbridge.core.mapping.MappingResult;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.pipeline.PayloadDecoder;

/** The line decoders are total: any bytes give readings or rejections, never an exception. */
class SerialDecoderPropertiesTest {
  static final PayloadDecoder DECODER = SerialProtocols.shipped().decoder();
  static final List<String> NAMES = List.copyOf(SerialProtocols.shipped().names());

  @Property(tries = 2000)
  void randomBytesNeverThrow(@ForAll byte[] bytes, @ForAll("protocols") String protocol) {
    MappingResult r = DECODER.decode(raw(bytes, protocol));
    assertThat(r).isNotNull();
    assertNeverANumberFromDashes(r);
  }

  @Property(tries = 2000)
  void lineLikeTextNeverThrows(
      @ForAll("lineLike") String line, @ForAll("protocols") String protocol) {
    MappingResult r = DECODER.decode(raw(line.getBytes(StandardCharsets.ISO_8859_1), protocol));
    assertThat(r).isNotNull();
    assertNeverANumberFromDashes(r);
  }

  @Property(tries = 500)
  void lineAssemblerTakesAnyBytesAndLosesNone(@ForAll byte[] bytes) {
    LineAssembler a = new LineAssembler(32);
    long out = 0;
    for (LineAssembler.Piece p : a.feed(bytes, 0, bytes.length)) {
      out +=
          p instanceof LineAssembler.Piece.Line l
              ? l.bytes().length
              : ((LineAssembler.Piece.Garbage) p).bytes().length;
    }
    LineAssembler.Piece.Garbage rest = a.flush("end");
    out += rest == null ? 0 : rest.bytes().length;
    long terminators = 0;
    for (byte b : bytes) {
      if (b == '\r' || b == '\n') {
        terminators++;
      }
    }
    // Every byte but the terminators comes out again, as a line or as garbage.
    assertThat(out).isEqualTo(bytes.length - terminators);
  }

  private static void assertNeverANumberFromDashes(MappingResult r) {
    if (r instanceof MappingResult.Mapped m) {
      for (DeviceReading reading : m.readings()) {
        assertThat(reading.value()).matches("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)");
      }
    }
  }

  @Provide
  Arbitrary<String> protocols() {
    return Arbitraries.of(NAMES);
  }

  /** Fragments of real lines shuffled with noise: reaches the tag, width and status paths. */
  @Provide
  Arbitrary<String> lineLike() {
    Arbitrary<String> piece =
        Arbitraries.oneOf(
            Arbitraries.of(
                "SPO2=",
                "HR=",
                "BPM=",
                "PI=",
                "SN=",
                "ALARM=",
                "EXC=",
                "02/24/18 04:48:53 ",
                "13/45/99 99:99:99 ",
                "097%",
                "---%",
                "--.--%",
                "04.96%",
                "000C00",
                "FFFFFFFFFFFFFFFFFF",
                "-1",
                "*",
                " ",
                "  ",
                "=",
                "%",
                "0x",
                "+--"),
            Arbitraries.strings().ofMaxLength(6));
    return piece.list().ofMaxSize(20).map(l -> String.join("", l));
  }

  private static RawMessage raw(byte[] bytes, String protocol) {
    return new RawMessage(
        "p",
        bytes,
        SerialProtocols.contentType(protocol, null),
        "serial",
        "/dev/null",
        null,
        SerialFixtures.NOW);
  }
}
