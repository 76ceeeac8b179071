package org.vitalbridge.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class MllpFrameReaderTest {
  private static final int VT = 0x0b;
  private static final int FS = 0x1c;
  private static final int CR = 0x0d;

  @Test
  void readsFramesBackToBack() throws IOException {
    byte[] stream = concat(frame("MSH|a"), frame("MSH|b"));

    assertThat(payloads(new MllpFrameReader(new ByteArrayInputStream(stream), 1000)))
        .containsExactly("MSH|a", "MSH|b");
  }

  @Test
  void skipsBytesBetweenFramesAndCountsThem() throws IOException {
    byte[] stream = concat(bytes("\r\nnoise"), frame("MSH|a"), bytes("\n\n"), frame("MSH|b"));
    MllpFrameReader reader = new MllpFrameReader(new ByteArrayInputStream(stream), 1000);

    assertThat(payloads(reader)).containsExactly("MSH|a", "MSH|b");
    assertThat(reader.discardedBytes()).isEqualTo(9);
  }

  @Test
  void aStartByteInsideAFrameRestartsIt() throws IOException {
    byte[] stream = concat(bytes("\u000bMSH|half"), frame("MSH|whole"));
    MllpFrameReader reader = new MllpFrameReader(new ByteArrayInputStream(stream), 1000);

    assertThat(payloads(reader)).containsExactly("MSH|whole");
    assertThat(reader.discardedBytes()).isEqualTo(9);
  }

  @Test
  void aMissingCarriageReturnAfterTheEndByteIsTolerated() throws IOException {
    byte[] stream = bytes("\u000bMSH|a\u001c\u000bMSH|b\u001c");

    assertThat(payloads(new MllpFrameReader(new ByteArrayInputStream(stream), 1000)))
        .containsExactly("MSH|a", "MSH|b");
  }

  @Test
  void aPartialFrameAtTheEndIsDiscarded() throws IOException {
    byte[] stream = concat(frame("MSH|a"), bytes("\u000bMSH|cut"));
    MllpFrameReader reader = new MllpFrameReader(new ByteArrayInputStream(stream), 1000);

    assertThat(payloads(reader)).containsExactly("MSH|a");
    assertThat(reader.discardedBytes()).isEqualTo(8);
  }

  @Test
  void anOversizedFrameIsReportedWithItsHeadAndTheNextFrameStillReads() throws IOException {
    String big = "MSH|" + "x".repeat(10_000);
    byte[] stream = concat(frame(big), frame("MSH|next"));
    MllpFrameReader reader = new MllpFrameReader(new ByteArrayInputStream(stream), 5_000);

    MllpFrameReader.Frame first = reader.next();
    assertThat(first).isInstanceOf(MllpFrameReader.Frame.Oversized.class);
    MllpFrameReader.Frame.Oversized o = (MllpFrameReader.Frame.Oversized) first;
    assertThat(o.size()).isEqualTo(big.length());
    assertThat(new String(o.head(), StandardCharsets.ISO_8859_1)).startsWith("MSH|xxx");
    assertThat(o.head().length).isLessThanOrEqualTo(5_000);
    assertThat(text(reader.next())).isEqualTo("MSH|next");
    assertThat(reader.next()).isNull();
  }

  @Test
  void writeFramesAPayload() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    MllpFrameReader.write(out, bytes("MSH|a"));

    assertThat(out.toByteArray()).isEqualTo(frame("MSH|a"));
  }

  /** Whatever the payload bytes (framing bytes excluded) and however TCP splits them. */
  @Property(tries = 300)
  void framesSurviveAnySplitAcrossReads(
      @ForAll("payloads") List<byte[]> messages, @ForAll @IntRange(min = 1, max = 64) int chunk)
      throws IOException {
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    for (byte[] m : messages) {
      stream.write(frame(m));
    }
    MllpFrameReader reader =
        new MllpFrameReader(new ChunkedInputStream(stream.toByteArray(), chunk), 1 << 16);

    List<byte[]> read = new ArrayList<>();
    MllpFrameReader.Frame f;
    while ((f = reader.next()) != null) {
      read.add(((MllpFrameReader.Frame.Message) f).payload());
    }
    assertThat(read).hasSameSizeAs(messages);
    for (int i = 0; i < messages.size(); i++) {
      assertThat(read.get(i)).isEqualTo(messages.get(i));
    }
    assertThat(reader.discardedBytes()).isZero();
  }

  /** Arbitrary bytes never make the reader throw or loop; every frame it returns is well formed. */
  @Property(tries = 500)
  void anyByteStreamIsReadToTheEndWithoutErrors(
      @ForAll @Size(max = 2000) byte[] stream, @ForAll @IntRange(min = 1, max = 32) int chunk)
      throws IOException {
    MllpFrameReader reader = new MllpFrameReader(new ChunkedInputStream(stream, chunk), 256);

    long accounted = 0;
    MllpFrameReader.Frame f;
    while ((f = reader.next()) != null) {
      if (f instanceof MllpFrameReader.Frame.Message m) {
        for (byte b : m.payload()) {
          assertThat(b).isNotIn((byte) VT, (byte) FS);
        }
        accounted += m.payload().length + 2;
      } else {
        accounted += ((MllpFrameReader.Frame.Oversized) f).size() + 2;
      }
    }
    assertThat(reader.discardedBytes() + accounted).isLessThanOrEqualTo(stream.length);
  }

  @Provide
  Arbitrary<List<byte[]>> payloads() {
    return Arbitraries.bytes()
        .filter(b -> b != VT && b != FS)
        .array(byte[].class)
        .ofMinSize(1)
        .ofMaxSize(300)
        .list()
        .ofMaxSize(6);
  }

  /** Delivers at most {@code chunk} bytes per read, like a network that splits frames. */
  private static final class ChunkedInputStream extends InputStream {
    private final byte[] data;
    private final int chunk;
    private int pos;

    ChunkedInputStream(byte[] data, int chunk) {
      this.data = data;
      this.chunk = chunk;
    }

    @Override
    public int read() {
      return pos < data.length ? data[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= data.length) {
        return -1;
      }
      int n = Math.min(Math.min(len, chunk), data.length - pos);
      System.arraycopy(data, pos, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public int available() {
      return Math.min(chunk, data.length - pos);
    }
  }

  private static List<String> payloads(MllpFrameReader reader) throws IOException {
    List<String> out = new ArrayList<>();
    MllpFrameReader.Frame f;
    while ((f = reader.next()) != null) {
      out.add(text(f));
    }
    return out;
  }

  private static String text(MllpFrameReader.Frame f) {
    return new String(((MllpFrameReader.Frame.Message) f).payload(), StandardCharsets.UTF_8);
  }

  private static byte[] frame(String payload) {
    return frame(bytes(payload));
  }

  private static byte[] frame(byte[] payload) {
    return concat(new byte[] {VT}, payload, new byte[] {FS, CR});
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
