package org.vitalbridge.mqtt;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A test-only MQTT peer on a plain socket: just enough of an encoder (CONNECT, PUBLISH with DUP,
 * PUBREL, DISCONNECT) and decoder to send what a real client library will not — a retransmit in the
 * same connection, a connection dropped without DISCONNECT — and to read the raw answers.
 */
final class RawMqtt implements AutoCloseable {
  /** A packet as read: first byte (type and flags) and the rest. */
  record Packet(int header, byte[] body) {
    int type() {
      return header >>> 4;
    }

    int packetId() {
      return ((body[0] & 0xff) << 8) | (body[1] & 0xff);
    }

    /** PUBACK/PUBREC/PUBCOMP reason code: absent (remaining length 2) means success. */
    int pubReasonCode() {
      return body.length > 2 ? body[2] & 0xff : 0;
    }

    /** CONNACK and DISCONNECT reason code. */
    int connackCode() {
      return body[1] & 0xff;
    }

    int disconnectCode() {
      return body.length > 0 ? body[0] & 0xff : 0;
    }
  }

  static final int CONNACK = 2;
  static final int PUBACK = 4;
  static final int PUBREC = 5;
  static final int PUBCOMP = 7;
  static final int SUBACK = 9;
  static final int DISCONNECT = 14;

  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;

  RawMqtt(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(20_000);
    out = socket.getOutputStream();
    in = new DataInputStream(socket.getInputStream());
  }

  /** CONNECT (MQTT 5 unless {@code level} says 4), optionally with a will; returns the CONNACK. */
  Packet connect(String clientId, boolean cleanStart, int level, String willTopic)
      throws IOException {
    ByteArrayOutputStream v = new ByteArrayOutputStream();
    string(v, "MQTT");
    v.write(level);
    int flags = (cleanStart ? 0x02 : 0) | (willTopic != null ? 0x04 | 0x08 : 0); // will QoS 1
    v.write(flags);
    v.write(0);
    v.write(60); // keep alive
    if (level == 5) {
      v.write(0); // no properties
    }
    string(v, clientId);
    if (willTopic != null) {
      if (level == 5) {
        v.write(0); // no will properties
      }
      string(v, willTopic);
      binary(v, "offline".getBytes(StandardCharsets.UTF_8));
    }
    send(0x10, v.toByteArray());
    return read();
  }

  Packet connect(String clientId) throws IOException {
    return connect(clientId, true, 5, null);
  }

  void publish(String topic, byte[] payload, int qos, int packetId, boolean dup, boolean v5)
      throws IOException {
    ByteArrayOutputStream v = new ByteArrayOutputStream();
    string(v, topic);
    if (qos > 0) {
      v.write(packetId >>> 8);
      v.write(packetId & 0xff);
    }
    if (v5) {
      v.write(0); // no properties
    }
    v.write(payload);
    send(0x30 | (dup ? 0x08 : 0) | (qos << 1), v.toByteArray());
  }

  void publish(String topic, byte[] payload, int qos, int packetId, boolean dup)
      throws IOException {
    publish(topic, payload, qos, packetId, dup, true);
  }

  /** An MQTT 5 PUBLISH with the given encoded properties (under 128 bytes). */
  void publishWithProperties(String topic, byte[] properties, byte[] payload, int qos, int packetId)
      throws IOException {
    ByteArrayOutputStream v = new ByteArrayOutputStream();
    string(v, topic);
    if (qos > 0) {
      v.write(packetId >>> 8);
      v.write(packetId & 0xff);
    }
    v.write(properties.length);
    v.write(properties);
    v.write(payload);
    send(0x30 | (qos << 1), v.toByteArray());
  }

  void pubrel(int packetId) throws IOException {
    send(0x62, new byte[] {(byte) (packetId >>> 8), (byte) packetId});
  }

  void subscribe(int packetId, String filter) throws IOException {
    ByteArrayOutputStream v = new ByteArrayOutputStream();
    v.write(packetId >>> 8);
    v.write(packetId & 0xff);
    v.write(0); // no properties
    string(v, filter);
    v.write(1); // QoS 1
    send(0x82, v.toByteArray());
  }

  void disconnect() throws IOException {
    send(0xE0, new byte[0]);
  }

  Packet read() throws IOException {
    int header = in.read();
    if (header < 0) {
      throw new EOFException("connection closed");
    }
    int length = 0;
    int shift = 0;
    int b;
    do {
      b = in.readUnsignedByte();
      length |= (b & 0x7f) << shift;
      shift += 7;
    } while ((b & 0x80) != 0);
    byte[] body = new byte[length];
    in.readFully(body);
    return new Packet(header, body);
  }

  /** The peer closed the connection (end of stream) before sending anything more. */
  boolean closedByPeer() throws IOException {
    try {
      return in.read() < 0;
    } catch (IOException e) {
      return true;
    }
  }

  private void send(int header, byte[] body) throws IOException {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.write(header);
    int length = body.length;
    do {
      int digit = length % 128;
      length /= 128;
      p.write(length > 0 ? digit | 0x80 : digit);
    } while (length > 0);
    p.write(body);
    out.write(p.toByteArray());
    out.flush();
  }

  private static void string(ByteArrayOutputStream v, String s) throws IOException {
    binary(v, s.getBytes(StandardCharsets.UTF_8));
  }

  private static void binary(ByteArrayOutputStream v, byte[] b) throws IOException {
    v.write(b.length >>> 8);
    v.write(b.length & 0xff);
    v.write(b);
  }

  /** Drops the TCP connection without DISCONNECT (as a device losing power would). */
  @Override
  public void close() throws IOException {
    socket.close();
  }
}
