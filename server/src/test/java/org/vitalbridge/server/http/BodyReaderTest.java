package org.vitalbridge.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.vitalbridge.server.http.BodyReader.BadEncoding;
import org.vitalbridge.server.http.BodyReader.Body;
import org.vitalbridge.server.http.BodyReader.Complete;
import org.vitalbridge.server.http.BodyReader.TooLarge;

/** Reading bodies within a limit, gunzipped on the fly, however the bytes arrive. */
class BodyReaderTest {

  @Property
  void plainBytesAreReadExactlyOrCutJustOverTheLimit(
      @ForAll @Size(max = 3000) byte[] data,
      @ForAll @IntRange(min = 0, max = 3000) int limit,
      @ForAll("splits") List<Integer> splits)
      throws IOException {
    Body body = BodyReader.read(new Chunked(data, splits), false, limit);

    assertWithin(body, data, limit);
  }

  @Property(tries = 300)
  void gzipOfArbitraryDataRoundTripsWhateverTheSplitPoints(
      @ForAll @Size(max = 3000) byte[] data, @ForAll("splits") List<Integer> splits)
      throws IOException {
    Body body = BodyReader.read(new Chunked(ApiFixture.gzip(data), splits), true, data.length);

    assertThat(body).isInstanceOf(Complete.class);
    assertThat(((Complete) body).bytes()).isEqualTo(data);
  }

  @Property(tries = 300)
  void gzippedDataOverTheLimitIsCutJustOverItAfterDecompression(
      @ForAll @Size(max = 3000) byte[] data,
      @ForAll @IntRange(min = 0, max = 3000) int limit,
      @ForAll("splits") List<Integer> splits)
      throws IOException {
    Body body = BodyReader.read(new Chunked(ApiFixture.gzip(data), splits), true, limit);

    assertWithin(body, data, limit);
  }

  @Property(tries = 300)
  void arbitraryBytesClaimingGzipNeverThrowAndNeverExceedTheLimit(
      @ForAll @Size(max = 2000) byte[] data,
      @ForAll @IntRange(min = 0, max = 2000) int limit,
      @ForAll("splits") List<Integer> splits)
      throws IOException {
    Body body = BodyReader.read(new Chunked(data, splits), true, limit);

    if (body instanceof Complete c) {
      assertThat(c.bytes().length).isLessThanOrEqualTo(limit);
    } else if (body instanceof TooLarge t) {
      assertThat(t.head().length).isEqualTo(limit + 1);
      assertThat(t.limit()).isEqualTo(limit);
    } else {
      BadEncoding b = (BadEncoding) body;
      assertThat(b.head().length).isLessThanOrEqualTo(limit);
      assertThat(b.detail()).startsWith("not a valid gzip stream");
    }
  }

  @Property(tries = 300)
  void aCutGzipStreamIsBadEncodingWithWhatWasDecompressedSoFar(
      @ForAll @Size(min = 1, max = 3000) byte[] data, @ForAll @IntRange(min = 0, max = 100) int cut)
      throws IOException {
    byte[] gz = ApiFixture.gzip(data);
    // Without its 8-byte trailer (CRC and length) and then some: never a complete stream.
    byte[] truncated = Arrays.copyOf(gz, Math.max(0, gz.length - 8 - cut));

    Body body = BodyReader.read(new ByteArrayInputStream(truncated), true, data.length);

    assertThat(body).isInstanceOf(BadEncoding.class);
    byte[] head = ((BadEncoding) body).head();
    assertThat(head).isEqualTo(Arrays.copyOf(data, head.length));
  }

  @Property
  void aBodyFarOverTheLimitIsNotReadToItsEnd(
      @ForAll @IntRange(min = 0, max = 5000) int limit,
      @ForAll @IntRange(min = 1, max = 100_000) int over)
      throws IOException {
    Counting in = new Counting(new byte[limit + over]);

    Body body = BodyReader.read(in, false, limit);

    assertThat(body).isInstanceOf(TooLarge.class);
    // The head, and at most as much again drained so that the sender can read the answer.
    assertThat(in.consumed).isLessThanOrEqualTo(2L * limit + 1);
  }

  @Example
  void aGzipBombStopsAtTheLimit() throws IOException {
    byte[] bomb = ApiFixture.gzip(new byte[50 << 20]);

    Body body = BodyReader.read(new ByteArrayInputStream(bomb), true, 64 * 1024);

    assertThat(body).isInstanceOf(TooLarge.class);
    assertThat(((TooLarge) body).head()).hasSize(64 * 1024 + 1);
  }

  /**
   * RFC 1952 §2.2: a gzip file is a series of members, and clients (e.g. {@code pigz}, log shippers
   * appending compressed chunks) send several. The JDK's GZIPInputStream looks for the next member
   * only when {@code available()} says more bytes are waiting, which a network stream between two
   * packets does not: the second member must not be dropped silently.
   */
  @Example
  void everyMemberOfAMultiMemberGzipIsReadEvenWhenTheNextHasNotArrivedYet() throws IOException {
    byte[] first = "[{\"a\":1},".getBytes(StandardCharsets.UTF_8);
    byte[] second = "{\"a\":2}]".getBytes(StandardCharsets.UTF_8);
    byte[] one = ApiFixture.gzip(first);
    byte[] two = ApiFixture.gzip(second);
    byte[] both = new byte[one.length + two.length];
    System.arraycopy(one, 0, both, 0, one.length);
    System.arraycopy(two, 0, both, one.length, two.length);

    Body body = BodyReader.read(new Chunked(both, List.of(one.length, two.length)), true, 1000);

    assertThat(body)
        .isInstanceOfSatisfying(
            Complete.class,
            c ->
                assertThat(new String(c.bytes(), StandardCharsets.UTF_8))
                    .isEqualTo("[{\"a\":1},{\"a\":2}]"));
  }

  @Property(tries = 200)
  void multiMemberGzipRoundTripsWhateverTheSplitPoints(
      @ForAll @Size(min = 1, max = 4) List<@Size(max = 1500) byte[]> members,
      @ForAll("splits") List<Integer> splits)
      throws IOException {
    java.io.ByteArrayOutputStream sent = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
    for (byte[] m : members) {
      sent.writeBytes(ApiFixture.gzip(m));
      data.writeBytes(m);
    }

    Body body = BodyReader.read(new Chunked(sent.toByteArray(), splits), true, 10_000);

    assertThat(body)
        .isInstanceOfSatisfying(
            Complete.class, c -> assertThat(c.bytes()).isEqualTo(data.toByteArray()));
  }

  /**
   * Empty members yield no bytes; the JDK's GZIPInputStream recursed once per such member, so a 200
   * KB body of them overflowed the stack (a 500, the body never quarantined).
   */
  @Example
  void manyEmptyMembersAreBadEncodingNotAStackOverflow() throws IOException {
    byte[] empty = ApiFixture.gzip(new byte[0]);
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < 10_000; i++) {
      body.writeBytes(empty);
    }
    body.writeBytes(ApiFixture.gzip("{}".getBytes(StandardCharsets.UTF_8)));

    Body read = BodyReader.read(new ByteArrayInputStream(body.toByteArray()), true, 1 << 20);

    assertThat(read)
        .isInstanceOfSatisfying(
            BadEncoding.class, b -> assertThat(b.detail()).contains("gzip members"));
  }

  @Example
  void emptyMembersWithinTheCapAreReadThrough() throws IOException {
    byte[] empty = ApiFixture.gzip(new byte[0]);
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < Gunzip.MAX_MEMBERS - 1; i++) {
      body.writeBytes(empty);
    }
    body.writeBytes(ApiFixture.gzip("{}".getBytes(StandardCharsets.UTF_8)));

    Body read = BodyReader.read(new ByteArrayInputStream(body.toByteArray()), true, 1 << 20);

    assertThat(read)
        .isInstanceOfSatisfying(
            Complete.class,
            c -> assertThat(c.bytes()).isEqualTo("{}".getBytes(StandardCharsets.UTF_8)));
  }

  /** GZIPInputStream ignored what followed the last member; it may be a cut-off second member. */
  @Example
  void bytesAfterTheLastMemberAreBadEncodingWithTheDataKept() throws IOException {
    byte[] gz = ApiFixture.gzip("[1,2]".getBytes(StandardCharsets.UTF_8));
    byte[] body = Arrays.copyOf(gz, gz.length + 5);
    System.arraycopy(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0}, 0, body, gz.length, 5);
    byte[] garbage = Arrays.copyOf(gz, gz.length + 3);
    System.arraycopy(new byte[] {'x', 'y', 'z'}, 0, garbage, gz.length, 3);

    assertThat(BodyReader.read(new ByteArrayInputStream(body), true, 100))
        .isInstanceOfSatisfying(
            BadEncoding.class,
            b -> assertThat(new String(b.head(), StandardCharsets.UTF_8)).isEqualTo("[1,2]"));
    assertThat(BodyReader.read(new ByteArrayInputStream(garbage), true, 100))
        .isInstanceOfSatisfying(
            BadEncoding.class, b -> assertThat(b.detail()).contains("after the last gzip member"));
  }

  @Example
  void aCorruptedCrcIsBadEncoding() throws IOException {
    byte[] gz = ApiFixture.gzip("[1,2]".getBytes(StandardCharsets.UTF_8));
    gz[gz.length - 8] ^= 1;

    assertThat(BodyReader.read(new ByteArrayInputStream(gz), true, 100))
        .isInstanceOfSatisfying(BadEncoding.class, b -> assertThat(b.detail()).contains("CRC-32"));
  }

  @Example
  void anEmptyBodyClaimingGzipIsBadEncoding() throws IOException {
    Body body = BodyReader.read(new ByteArrayInputStream(new byte[0]), true, 100);

    assertThat(body).isInstanceOf(BadEncoding.class);
    assertThat(BodyReader.read(new ByteArrayInputStream(new byte[0]), false, 100))
        .isInstanceOfSatisfying(Complete.class, c -> assertThat(c.bytes()).isEmpty());
  }

  @Example
  void aConnectionFailureIsThrownNotMistakenForBadGzip() {
    byte[] gz = ApiFixture.gzip(new byte[10_000]);

    assertThatThrownBy(() -> BodyReader.read(new Failing(gz, 20), true, 100_000))
        .isInstanceOf(IOException.class)
        .hasMessage("connection reset");
    assertThatThrownBy(() -> BodyReader.read(new Failing(new byte[500], 20), false, 100_000))
        .isInstanceOf(IOException.class);
  }

  @Provide
  Arbitrary<List<Integer>> splits() {
    return Arbitraries.integers().between(1, 700).list().ofMinSize(1).ofMaxSize(8);
  }

  private static void assertWithin(Body body, byte[] data, int limit) {
    if (data.length <= limit) {
      assertThat(body).isInstanceOf(Complete.class);
      assertThat(((Complete) body).bytes()).isEqualTo(data);
    } else {
      assertThat(body).isInstanceOf(TooLarge.class);
      TooLarge t = (TooLarge) body;
      assertThat(t.limit()).isEqualTo(limit);
      assertThat(t.head()).isEqualTo(Arrays.copyOf(data, limit + 1));
    }
  }

  /** Hands out the bytes in reads of the given sizes, in turn: the packets of a connection. */
  private static final class Chunked extends InputStream {
    private final byte[] data;
    private final List<Integer> sizes;
    private int pos;
    private int turn;

    Chunked(byte[] data, List<Integer> sizes) {
      this.data = data;
      this.sizes = sizes;
    }

    @Override
    public int read() {
      return pos < data.length ? data[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      if (pos >= data.length) {
        return -1;
      }
      int n = Math.min(Math.min(len, sizes.get(turn++ % sizes.size())), data.length - pos);
      System.arraycopy(data, pos, b, off, n);
      pos += n;
      return n;
    }
  }

  private static final class Counting extends ByteArrayInputStream {
    long consumed;

    Counting(byte[] data) {
      super(data);
    }

    @Override
    public synchronized int read() {
      int b = super.read();
      if (b >= 0) {
        consumed++;
      }
      return b;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) {
      int n = super.read(b, off, len);
      if (n > 0) {
        consumed += n;
      }
      return n;
    }
  }

  /** A connection that breaks after {@code after} bytes. */
  private static final class Failing extends InputStream {
    private final byte[] data;
    private final int after;
    private int pos;

    Failing(byte[] data, int after) {
      this.data = data;
      this.after = after;
    }

    @Override
    public int read() throws IOException {
      if (pos >= after) {
        throw new IOException("connection reset");
      }
      return data[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (pos >= after) {
        throw new IOException("connection reset");
      }
      int n = Math.min(len, after - pos);
      System.arraycopy(data, pos, b, off, n);
      pos += n;
      return n;
    }
  }
}
