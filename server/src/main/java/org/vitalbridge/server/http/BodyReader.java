package org.vitalbridge.server.http;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a request body up to a limit, counting bytes as they arrive (a missing or false {@code
 * Content-Length} does not get past it), gunzipping on the fly when the sender compressed it: the
 * limit applies to the decompressed bytes, so a zip bomb stops at the limit too. Every member of a
 * multi-member gzip stream (RFC 1952 §2.2) is read ({@link Gunzip}).
 */
final class BodyReader {
  /** What a read gave. */
  sealed interface Body {}

  record Complete(byte[] bytes) implements Body {}

  /** Over the limit: the first {@code limit + 1} (decompressed) bytes, kept for the quarantine. */
  record TooLarge(byte[] head, int limit) implements Body {}

  /** Not a valid gzip stream: the bytes decompressed so far, and what is wrong. */
  record BadEncoding(byte[] head, String detail) implements Body {}

  private static final int CHUNK = 8192;

  private BodyReader() {}

  /**
   * @throws IOException when the connection fails (the client went away): nothing to answer
   */
  static Body read(InputStream in, boolean gzip, int limit) throws IOException {
    Watched raw = new Watched(in);
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit + 1, 64 * 1024));
    Gunzip inflating = null;
    try {
      inflating = gzip ? new Gunzip(raw) : null;
      InputStream body = gzip ? inflating : raw;
      byte[] chunk = new byte[CHUNK];
      int n;
      while ((n = body.read(chunk, 0, Math.min(chunk.length, limit + 1 - out.size()))) > 0) {
        out.write(chunk, 0, n);
        if (out.size() > limit) {
          drain(raw, limit);
          return new TooLarge(out.toByteArray(), limit);
        }
      }
    } catch (IOException e) {
      if (raw.failed) {
        throw e;
      }
      // The connection is fine; the gzip stream is not.
      return new BadEncoding(out.toByteArray(), "not a valid gzip stream: " + e.getMessage());
    } finally {
      if (inflating != null) {
        // Frees the inflater's native memory now rather than at some later garbage collection.
        inflating.close();
      }
    }
    return new Complete(out.toByteArray());
  }

  /**
   * Reads and drops up to {@code max} more bytes, so that a sender still writing its body reads our
   * answer instead of a reset connection; beyond that the connection is closed after the answer.
   */
  private static void drain(Watched raw, int max) {
    byte[] skip = new byte[CHUNK];
    long left = max;
    try {
      int n;
      while (left > 0 && (n = raw.read(skip, 0, (int) Math.min(skip.length, left))) > 0) {
        left -= n;
      }
    } catch (IOException e) {
      // The answer is sent or the connection closed; nothing more to do.
    }
  }

  /** Remembers whether the connection itself failed (as opposed to the gzip decoder). */
  private static final class Watched extends FilterInputStream {
    boolean failed;

    Watched(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        failed = true;
        throw e;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        failed = true;
        throw e;
      }
    }
  }
}
