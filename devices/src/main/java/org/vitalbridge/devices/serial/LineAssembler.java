package org.vitalbridge.devices.serial;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reassembles lines from the byte chunks a serial read returns (a line may arrive in many reads,
 * several lines in one). A line ends at CR, LF or CRLF; empty lines carry nothing and are not
 * lines. Printable ASCII and TAB make up a line. A non-printable byte, or a line longer than the
 * limit, spoils the line it is in: everything up to the next terminator is discarded as garbage —
 * and handed out as such, so the reader quarantines it instead of losing it. Not thread-safe: one
 * reader thread owns it.
 */
final class LineAssembler {
  /** What the assembler hands out. */
  sealed interface Piece {
    /** A complete line, without its terminator. */
    record Line(byte[] bytes) implements Piece {}

    /**
     * Bytes that are not a line: all of them, in chunks of at most four line lengths.
     *
     * @param why what spoiled them
     */
    record Garbage(byte[] bytes, String why) implements Piece {}
  }

  private final int maxLineBytes;
  private final int garbageCap;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private final ByteArrayOutputStream garbage = new ByteArrayOutputStream();
  private String garbageWhy;
  private boolean lastWasCr;

  LineAssembler(int maxLineBytes) {
    this.maxLineBytes = maxLineBytes;
    // Kept per garbage piece: enough to see what went wrong (baud mismatch, a binary mode).
    this.garbageCap = Math.max(4 * maxLineBytes, 1024);
  }

  /** Feeds {@code len} bytes of {@code buf}; returns the lines and garbage they completed. */
  List<Piece> feed(byte[] buf, int off, int len) {
    List<Piece> out = new ArrayList<>(2);
    for (int i = off; i < off + len; i++) {
      byte b = buf[i];
      if (b == '\n' && lastWasCr) {
        lastWasCr = false;
        continue;
      }
      lastWasCr = b == '\r';
      if (b == '\r' || b == '\n') {
        endOfLine(out);
      } else if (garbageWhy != null) {
        discard(b, out);
      } else if (printable(b)) {
        if (line.size() >= maxLineBytes) {
          spoil("no line end within " + maxLineBytes + " bytes", b, out);
        } else {
          line.write(b);
        }
      } else {
        spoil(
            String.format(
                Locale.ROOT, "non-printable byte 0x%02X after %d bytes", b & 0xff, line.size()),
            b,
            out);
      }
    }
    return out;
  }

  /** Whether a partial line or garbage is waiting for a terminator. */
  boolean pending() {
    return line.size() > 0 || garbageWhy != null;
  }

  /**
   * Hands out what is waiting for a terminator as garbage ({@code why}: a read timeout, the port
   * went away), or {@code null} when nothing is.
   */
  Piece.Garbage flush(String why) {
    lastWasCr = false;
    if (garbageWhy != null) {
      Piece.Garbage g = takeGarbage(garbageWhy + "; then " + why);
      garbageWhy = null;
      return g;
    }
    if (line.size() == 0) {
      return null;
    }
    byte[] bytes = line.toByteArray();
    line.reset();
    return new Piece.Garbage(bytes, "incomplete line: " + why);
  }

  private void endOfLine(List<Piece> out) {
    if (garbageWhy != null) {
      out.add(takeGarbage(garbageWhy));
      garbageWhy = null;
    } else if (line.size() > 0) {
      out.add(new Piece.Line(line.toByteArray()));
      line.reset();
    }
  }

  private void spoil(String why, byte b, List<Piece> out) {
    garbageWhy = why;
    byte[] head = line.toByteArray();
    line.reset();
    for (byte h : head) {
      discard(h, out);
    }
    discard(b, out);
  }

  private void discard(byte b, List<Piece> out) {
    if (garbage.size() >= garbageCap) {
      // A long run without a terminator (a baud mismatch can give one): hand it out in chunks
      // rather than hold it, and keep discarding to the next terminator.
      out.add(takeGarbage(garbageWhy));
    }
    garbage.write(b);
  }

  private Piece.Garbage takeGarbage(String why) {
    Piece.Garbage g = new Piece.Garbage(garbage.toByteArray(), why);
    garbage.reset();
    return g;
  }

  private static boolean printable(byte b) {
    return (b >= 0x20 && b < 0x7f) || b == '\t';
  }
}
