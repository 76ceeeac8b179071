package org.vitalbridge.server.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * Gunzips a request body: every member of a multi-member stream (RFC 1952 §2.2), one after the
 * other in a loop. The JDK's GZIPInputStream is not used because it looks for a next member only
 * when {@code available()} says bytes are waiting (a connection between two packets says 0, and the
 * rest is dropped silently), it recurses once per member that yields no bytes (10,000 empty
 * members, 200 KB, overflow the stack), and it ignores whatever follows the last member. Here a
 * member must be whole and valid (header, deflate data, CRC-32 and size), anything after the last
 * member is an error, and at most {@link #MAX_MEMBERS} members are read.
 */
final class Gunzip extends InputStream {
  /** More members than any client splits a body into; the cap bounds the work per byte of input. */
  static final int MAX_MEMBERS = 1_000;

  private static final int CHUNK = 8192;
  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;
  private static final int RESERVED = 0xE0;

  private final PushbackInputStream in;
  private final Inflater inflater = new Inflater(true);
  private final CRC32 crc = new CRC32();
  private final byte[] input = new byte[CHUNK];
  private int inputLength;
  private int members;
  private boolean inMember;
  private boolean ended;

  Gunzip(InputStream in) {
    this.in = new PushbackInputStream(in, CHUNK);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (!ended) {
      if (!inMember && !startMember()) {
        ended = true;
        break;
      }
      int n = inflate(b, off, len);
      if (n > 0) {
        crc.update(b, off, n);
        return n;
      }
      if (inflater.finished()) {
        endMember();
      } else if (inflater.needsInput()) {
        inputLength = in.read(input, 0, input.length);
        if (inputLength < 0) {
          throw new EOFException("the gzip stream ends inside a member");
        }
        inflater.setInput(input, 0, inputLength);
      } else if (inflater.needsDictionary()) {
        throw new ZipException("a gzip member asks for a preset dictionary");
      }
    }
    return -1;
  }

  @Override
  public void close() throws IOException {
    // Frees the inflater's native memory now rather than at some later garbage collection.
    inflater.end();
  }

  /** Reads the next member's header; false at the end of the body (after at least one member). */
  private boolean startMember() throws IOException {
    int first = in.read();
    if (first < 0) {
      if (members == 0) {
        throw new EOFException("the body is empty, not a gzip stream");
      }
      return false;
    }
    if (++members > MAX_MEMBERS) {
      throw new ZipException("more than " + MAX_MEMBERS + " gzip members");
    }
    if (first != 0x1f || readByte() != 0x8b) {
      throw new ZipException(
          members == 1 ? "not in gzip format" : "data after the last gzip member");
    }
    if (readByte() != 8) {
      throw new ZipException("unsupported gzip compression method");
    }
    int flags = readByte();
    if ((flags & RESERVED) != 0) {
      throw new ZipException("reserved gzip header flags set");
    }
    skip(6); // MTIME, XFL, OS
    if ((flags & FEXTRA) != 0) {
      skip(readByte() | readByte() << 8);
    }
    if ((flags & FNAME) != 0) {
      skipZeroTerminated();
    }
    if ((flags & FCOMMENT) != 0) {
      skipZeroTerminated();
    }
    if ((flags & FHCRC) != 0) {
      skip(2);
    }
    inflater.reset();
    crc.reset();
    inputLength = 0;
    inMember = true;
    return true;
  }

  /** Hands back the bytes the inflater did not use, then checks the member's CRC-32 and size. */
  private void endMember() throws IOException {
    int unused = inflater.getRemaining();
    if (unused > 0) {
      in.unread(input, inputLength - unused, unused);
    }
    long expectedCrc = readInt();
    long expectedSize = readInt();
    if (expectedCrc != crc.getValue()) {
      throw new ZipException("gzip member CRC-32 mismatch");
    }
    if (expectedSize != (inflater.getBytesWritten() & 0xffffffffL)) {
      throw new ZipException("gzip member size mismatch");
    }
    inMember = false;
  }

  private int inflate(byte[] b, int off, int len) throws ZipException {
    try {
      return inflater.inflate(b, off, len);
    } catch (DataFormatException e) {
      throw new ZipException("invalid deflate data: " + e.getMessage());
    }
  }

  private int readByte() throws IOException {
    int c = in.read();
    if (c < 0) {
      throw new EOFException("the gzip stream ends inside a member");
    }
    return c;
  }

  /** Little-endian unsigned 32 bits (RFC 1952 §2.1). */
  private long readInt() throws IOException {
    long v = 0;
    for (int i = 0; i < 4; i++) {
      v |= (long) readByte() << (8 * i);
    }
    return v;
  }

  private void skip(int n) throws IOException {
    for (int i = 0; i < n; i++) {
      readByte();
    }
  }

  private void skipZeroTerminated() throws IOException {
    while (readByte() != 0) {
      // Skipped: file names and comments mean nothing to us.
    }
  }
}
