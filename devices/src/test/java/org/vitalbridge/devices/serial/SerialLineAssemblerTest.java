package org.vitalbridge.devices.serial;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SerialLineAssemblerTest {

  static List<String> feed(LineAssembler a, byte[]... chunks) {
    List<String> out = new ArrayList<>();
    for (byte[] c : chunks) {
      for (LineAssembler.Piece p : a.feed(c, 0, c.length)) {
        out.add(describe(p));
      }
    }
    return out;
  }

  static String describe(LineAssembler.Piece p) {
    return p instanceof LineAssembler.Piece.Line l
        ? "L:" + new String(l.bytes(), StandardCharsets.ISO_8859_1)
        : "G:"
            + new String(((LineAssembler.Piece.Garbage) p).bytes(), StandardCharsets.ISO_8859_1)
            + " | "
            + ((LineAssembler.Piece.Garbage) p).why();
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void crLfAndCrlfEndLinesEmptyLinesAreNotLines() {
    LineAssembler a = new LineAssembler(64);
    assertThat(feed(a, b("one\rtwo\nthree\r\n\r\n\nfour\n")))
        .containsExactly("L:one", "L:two", "L:three", "L:four");
    assertThat(a.pending()).isFalse();
  }

  @Test
  void linesSplitAcrossReadsAndCrlfSplitBetweenReads() {
    LineAssembler a = new LineAssembler(64);
    assertThat(feed(a, b("SPO2=0"), b("97 HR"), b("=068\r"), b("\nSPO2=098 HR=070\r")))
        .containsExactly("L:SPO2=097 HR=068", "L:SPO2=098 HR=070");
    // The LF after that CR belongs to it, not an empty line.
    assertThat(feed(a, b("\nX\n"))).containsExactly("L:X");
  }

  @Test
  void badByteSpoilsItsLineWhichIsHandedOutAsGarbage() {
    LineAssembler a = new LineAssembler(64);
    assertThat(feed(a, b("SPO2=0\u00ff7 HR=068\nSPO2=098 HR=070\n")))
        .containsExactly(
            "G:SPO2=0\u00ff7 HR=068 | non-printable byte 0xFF after 6 bytes", "L:SPO2=098 HR=070");
  }

  @Test
  void overlongLineIsGarbageUpToTheNextTerminator() {
    LineAssembler a = new LineAssembler(16);
    List<String> out = feed(a, b("0123456789abcdefXYZ\nok\n"));
    assertThat(out).containsExactly("G:0123456789abcdefXYZ | no line end within 16 bytes", "L:ok");
  }

  @Test
  void endlessGarbageIsHandedOutInChunksNothingDropped() {
    LineAssembler a = new LineAssembler(16);
    byte[] noise = new byte[5000];
    java.util.Arrays.fill(noise, (byte) 0x80);
    List<LineAssembler.Piece> pieces = new ArrayList<>(a.feed(noise, 0, noise.length));
    pieces.add(a.flush("port went away"));
    int total = 0;
    for (LineAssembler.Piece p : pieces) {
      total += ((LineAssembler.Piece.Garbage) p).bytes().length;
      assertThat(((LineAssembler.Piece.Garbage) p).bytes().length).isLessThanOrEqualTo(1024);
    }
    assertThat(total).isEqualTo(5000);
  }

  @Test
  void flushHandsOutAPartialLineAsIncomplete() {
    LineAssembler a = new LineAssembler(64);
    assertThat(feed(a, b("SPO2=09"))).isEmpty();
    assertThat(a.pending()).isTrue();
    assertThat(describe(a.flush("no line end within PT2S")))
        .isEqualTo("G:SPO2=09 | incomplete line: no line end within PT2S");
    assertThat(a.flush("again")).isNull();
  }
}
