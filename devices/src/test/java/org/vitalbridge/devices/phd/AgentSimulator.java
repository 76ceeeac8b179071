package org.vitalbridge.devices.phd;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A 20601 agent over TCP for the ITs (the local flavour; a real device would take its place by
 * address). Sends APDUs built by {@link AgentApdus} and reads the manager's APDUs by their header.
 */
final class AgentSimulator implements AutoCloseable {
  private final Socket socket;
  private final DataInputStream in;

  AgentSimulator(int port) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setTcpNoDelay(true);
    in = new DataInputStream(socket.getInputStream());
  }

  void send(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
  }

  /** The manager's next APDU, or {@code null} when none arrived within {@code millis}. */
  byte[] receive(int millis) throws IOException {
    socket.setSoTimeout(millis);
    byte[] header = new byte[4];
    try {
      in.readFully(header);
    } catch (SocketTimeoutException e) {
      return null;
    }
    int length = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
    byte[] apdu = new byte[4 + length];
    System.arraycopy(header, 0, apdu, 0, 4);
    in.readFully(apdu, 4, length);
    return apdu;
  }

  byte[] receive() throws IOException {
    byte[] apdu = receive(10_000);
    if (apdu == null) {
      throw new IOException("no answer from the manager in 10 s");
    }
    return apdu;
  }

  /** Sends and waits for one answer. */
  byte[] exchange(byte[] apdu) throws IOException {
    send(apdu);
    return receive();
  }

  /** Whether the manager closed the connection (waits up to {@code millis}). */
  boolean closedByManager(int millis) throws IOException {
    socket.setSoTimeout(millis);
    try {
      while (true) {
        if (in.read() < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (EOFException | java.net.SocketException e) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
