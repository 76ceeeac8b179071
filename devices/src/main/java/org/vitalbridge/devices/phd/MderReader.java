package org.vitalbridge.devices.phd;

/**
 * Big-endian MDER reader over a window of a byte array. Every read and every length field is
 * checked against the window, so a lying length never reads past it (it throws {@link
 * MderException} with the absolute offset instead). Offsets are absolute in the original array so
 * that rejections name the byte that was wrong.
 */
final class MderReader {
  private final byte[] bytes;
  private final int end;
  private int pos;

  MderReader(byte[] bytes) {
    this(bytes, 0, bytes.length);
  }

  private MderReader(byte[] bytes, int start, int end) {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
  }

  int offset() {
    return pos;
  }

  int remaining() {
    return end - pos;
  }

  boolean hasRemaining() {
    return pos < end;
  }

  private void need(int n, String what) {
    if (n < 0 || n > end - pos) {
      throw new MderException(pos, what + ": need " + n + " bytes, " + (end - pos) + " left");
    }
  }

  int u8(String what) {
    need(1, what);
    return bytes[pos++] & 0xFF;
  }

  int u16(String what) {
    need(2, what);
    int v = ((bytes[pos] & 0xFF) << 8) | (bytes[pos + 1] & 0xFF);
    pos += 2;
    return v;
  }

  long u32(String what) {
    need(4, what);
    long v =
        ((long) (bytes[pos] & 0xFF) << 24)
            | ((bytes[pos + 1] & 0xFF) << 16)
            | ((bytes[pos + 2] & 0xFF) << 8)
            | (bytes[pos + 3] & 0xFF);
    pos += 4;
    return v;
  }

  byte[] bytes(int n, String what) {
    need(n, what);
    byte[] out = new byte[n];
    System.arraycopy(bytes, pos, out, 0, n);
    pos += n;
    return out;
  }

  /** The next {@code n} bytes as their own reader (offsets stay absolute); skips them here. */
  MderReader window(int n, String what) {
    need(n, what);
    MderReader sub = new MderReader(bytes, pos, pos + n);
    pos += n;
    return sub;
  }

  /** An octet string / Any: u16 length then that many bytes, as a reader. */
  MderReader lengthPrefixed(String what) {
    int n = u16(what + " length");
    return window(n, what);
  }

  void skip(int n, String what) {
    need(n, what);
    pos += n;
  }

  /** Fails unless every byte of the window was read (a length that claims too much). */
  void expectEnd(String what) {
    if (pos != end) {
      throw new MderException(pos, what + ": " + (end - pos) + " unexpected trailing bytes");
    }
  }
}
