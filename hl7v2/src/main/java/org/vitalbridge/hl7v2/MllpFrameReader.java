package org.vitalbridge.hl7v2;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * MLLP framing ({@code VT payload FS CR}) over a byte stream, built to survive real senders: bytes
 * between frames (keep-alive newlines, a restarted gateway's half frame) are skipped and counted; a
 * VT inside a frame restarts the frame; a missing CR after FS is tolerated; a frame larger than the
 * limit is skipped to its end and reported with its first bytes so it can still be answered. HAPI's
 * own decoder throws on the first stray byte and returns text, losing the raw bytes we journal.
 */
final class MllpFrameReader {
  static final int VT = 0x0b;
  static final int FS = 0x1c;
  static final int CR = 0x0d;
  private static final int HEAD_BYTES = 4096;

  /** What one read produced. */
  sealed interface Frame {
    /** A complete frame's payload, exactly as received. */
    record Message(byte[] payload) implements Frame {}

    /** A frame over the limit: its first bytes (enough for MSH) and its whole size. */
    record Oversized(byte[] head, long size) implements Frame {}
  }

  private final InputStream in;
  private final int maxFrameBytes;
  private final byte[] buffer = new byte[8192];
  private int pos;
  private int limit;
  private long discardedBytes;
  private boolean crMayFollow;

  MllpFrameReader(InputStream in, int maxFrameBytes) {
    this.in = in;
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Bytes skipped so far because they were outside any complete frame. */
  long discardedBytes() {
    return discardedBytes;
  }

  /**
   * The next frame, or {@code null} at the end of the stream (a partial frame at the end is
   * discarded and counted). Read timeouts propagate as {@link java.net.SocketTimeoutException}.
   */
  Frame next() throws IOException {
    int b;
    while ((b = read()) != VT) {
      if (b < 0) {
        return null;
      }
      if (!(crMayFollow && b == CR)) {
        discardedBytes++;
      }
      crMayFollow = false;
    }
    crMayFollow = false;
    ByteArrayOutputStream frame = new ByteArrayOutputStream(1024);
    long size = 0;
    while (true) {
      b = read();
      if (b < 0) {
        discardedBytes += size + 1;
        return null;
      }
      if (b == VT) {
        // The sender gave up on the frame and started again.
        discardedBytes += size + 1;
        frame.reset();
        size = 0;
        continue;
      }
      if (b == FS) {
        // The CR may still be in flight; the next read skips it without counting it as stray.
        crMayFollow = true;
        byte[] payload = frame.toByteArray();
        return size > maxFrameBytes
            ? new Frame.Oversized(payload, size)
            : new Frame.Message(payload);
      }
      size++;
      if (size <= maxFrameBytes || frame.size() < HEAD_BYTES) {
        frame.write(b);
      }
      if (size == maxFrameBytes + 1L) {
        byte[] head = Arrays.copyOf(frame.toByteArray(), Math.min(frame.size(), HEAD_BYTES));
        frame.reset();
        frame.write(head, 0, head.length);
      }
    }
  }

  private int read() throws IOException {
    if (pos == limit) {
      int n = in.read(buffer, 0, buffer.length);
      if (n < 0) {
        return -1;
      }
      pos = 0;
      limit = n;
    }
    return buffer[pos++] & 0xff;
  }

  /** Writes one frame. */
  static void write(OutputStream out, byte[] payload) throws IOException {
    byte[] framed = new byte[payload.length + 3];
    framed[0] = VT;
    System.arraycopy(payload, 0, framed, 1, payload.length);
    framed[payload.length + 1] = FS;
    framed[payload.length + 2] = CR;
    out.write(framed);
    out.flush();
  }
}
