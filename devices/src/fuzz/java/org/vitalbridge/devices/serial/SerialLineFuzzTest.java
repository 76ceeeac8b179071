package org.vitalbridge.devices.serial;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.vitalbridge.core.mapping.MappingResult;
import org.vitalbridge.core.model.DeviceReading;

/**
 * Jazzer targets for serial line decoding with both shipped protocols and for the line assembler
 * (profile {@code fuzz}, see docs/devices/fuzzing.md).
 */
class SerialLineFuzzTest {
  private static final SerialProtocols PROTOCOLS = SerialProtocols.shipped();
  private static final List<String> NAMES = List.copyOf(PROTOCOLS.names());

  @FuzzTest(maxDuration = "60s")
  void lines(FuzzedDataProvider data) {
    String protocol = NAMES.get(data.consumeInt(0, NAMES.size() - 1));
    String device = data.consumeBoolean() ? "OX-7" : null;
    List<String> lines = Arrays.asList(data.consumeRemainingAsString().split("\r\n|\r|\n", -1));
    for (SerialProtocols.DecodedLine d : PROTOCOLS.decode(protocol, device, lines)) {
      assertThat(d.result()).isNotNull();
      if (d.result() instanceof MappingResult.Mapped m) {
        for (DeviceReading r : m.readings()) {
          if (r.value() != null) {
            new BigDecimal(r.value());
          }
        }
      }
    }
  }

  /** Any chunking of any bytes: every byte but the terminators comes out again. */
  @FuzzTest(maxDuration = "60s")
  void assembler(FuzzedDataProvider data) {
    LineAssembler assembler = new LineAssembler(data.consumeInt(1, 300));
    long in = 0;
    long out = 0;
    while (data.remainingBytes() > 0) {
      byte[] chunk = data.consumeBytes(data.consumeInt(1, 200));
      for (byte b : chunk) {
        in += b == '\r' || b == '\n' ? 0 : 1;
      }
      for (LineAssembler.Piece p : assembler.feed(chunk, 0, chunk.length)) {
        out += size(p);
      }
    }
    LineAssembler.Piece.Garbage rest = assembler.flush("end of input");
    out += rest == null ? 0 : rest.bytes().length;
    assertThat(out).isEqualTo(in);
  }

  private static int size(LineAssembler.Piece p) {
    if (p instanceof LineAssembler.Piece.Line l) {
      assertThat(l.bytes()).isNotEmpty();
      return l.bytes().length;
    }
    return ((LineAssembler.Piece.Garbage) p).bytes().length;
  }
}
