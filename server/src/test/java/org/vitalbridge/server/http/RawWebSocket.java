package org.vitalbridge.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

/**
 * A WebSocket client written by hand over a plain TCP socket, so that a test controls exactly what
 * it reads: with a small receive buffer and no reads it is the stalled peer no real client library
 * lets one simulate (they keep reading into memory).
 */
final class RawWebSocket implements AutoCloseable {
  /** A frame from the server; {@code fin} is false on all but the last fragment of a message. */
  record Frame(boolean fin, int opcode, byte[] payload) {
    boolean isClose() {
      return opcode == 0x8;
    }

    int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1;
    }

    String closeReason() {
      return payload.length > 2
          ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8)
          : "";
    }

    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }
  }

  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;
  private final Random random = new Random(11);

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.in = new DataInputStream(socket.getInputStream());
  }

  /**
   * Connects with {@code receiveBuffer} bytes of socket receive buffer and completes the upgrade
   * handshake; fails unless the server switches protocols.
   */
  static RawWebSocket connect(int port, String path, int receiveBuffer) throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(receiveBuffer);
    s.setSoTimeout(30_000);
    s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    RawWebSocket ws = new RawWebSocket(s);
    byte[] key = new byte[16];
    ws.random.nextBytes(key);
    String request =
        "GET "
            + path
            + " HTTP/1.1\r\n"
            + "Host: 127.0.0.1:"
            + port
            + "\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Key: "
            + Base64.getEncoder().encodeToString(key)
            + "\r\n"
            + "Sec-WebSocket-Version: 13\r\n\r\n";
    ws.out.write(request.getBytes(StandardCharsets.US_ASCII));
    ws.out.flush();
    String head = ws.readHead();
    assertThat(head).startsWith("HTTP/1.1 101");
    return ws;
  }

  /** The response head, read byte by byte so that no frame after it is consumed. */
  private String readHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      head.write(b);
      byte[] h = head.toByteArray();
      int n = h.length;
      if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
        return head.toString(StandardCharsets.US_ASCII);
      }
    }
    throw new EOFException("connection closed during the handshake: " + head);
  }

  void sendText(byte[] payload) throws IOException {
    send(0x1, payload);
  }

  /** One masked, final frame (clients must mask). */
  void send(int opcode, byte[] payload) throws IOException {
    ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
    f.write(0x80 | opcode);
    int n = payload.length;
    if (n < 126) {
      f.write(0x80 | n);
    } else if (n < 65_536) {
      f.write(0x80 | 126);
      f.write(n >>> 8);
      f.write(n);
    } else {
      f.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        f.write((int) ((long) n >>> shift));
      }
    }
    byte[] mask = new byte[4];
    random.nextBytes(mask);
    f.write(mask, 0, 4);
    for (int i = 0; i < n; i++) {
      f.write(payload[i] ^ mask[i & 3]);
    }
    out.write(f.toByteArray());
    out.flush();
  }

  /** The next frame from the server (unmasked; continuation frames are returned as they come). */
  Frame read() throws IOException {
    int b0 = in.readUnsignedByte();
    int b1 = in.readUnsignedByte();
    long n = b1 & 0x7f;
    if (n == 126) {
      n = in.readUnsignedShort();
    } else if (n == 127) {
      n = in.readLong();
    }
    byte[] mask = null;
    if ((b1 & 0x80) != 0) {
      mask = new byte[4];
      in.readFully(mask);
    }
    byte[] payload = new byte[(int) n];
    in.readFully(payload);
    if (mask != null) {
      for (int i = 0; i < payload.length; i++) {
        payload[i] ^= mask[i & 3];
      }
    }
    return new Frame((b0 & 0x80) != 0, b0 & 0x0f, payload);
  }

  /** The next message: a control frame, or a data frame with its continuation frames joined. */
  Frame readMessage() throws IOException {
    Frame first = read();
    if (first.fin() || first.opcode() >= 0x8) {
      return first;
    }
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    data.write(first.payload());
    Frame next;
    do {
      next = read();
      data.write(next.payload());
    } while (!next.fin());
    return new Frame(true, first.opcode(), data.toByteArray());
  }

  /** Reads frames until a close frame, which it returns; fails on end of stream. */
  Frame readUntilClose() throws IOException {
    while (true) {
      Frame f = read();
      if (f.isClose()) {
        return f;
      }
    }
  }

  InputStream input() {
    return in;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
