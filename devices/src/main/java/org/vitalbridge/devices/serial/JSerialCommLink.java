package org.vitalbridge.devices.serial;

import com.fazecast.jSerialComm.SerialPort;
import com.fazecast.jSerialComm.SerialPortInvalidPortException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A real serial port through jSerialComm (also socat pseudo-terminals, by their link). */
final class JSerialCommLink implements SerialLink {
  /** Short polls keep close() and the partial-line timeout responsive. */
  static final int POLL_MILLIS = 100;

  private final SerialPort port;
  private final String name;

  private JSerialCommLink(SerialPort port, String name) {
    this.port = port;
    this.name = name;
  }

  static final SerialLink.Opener OPENER = JSerialCommLink::open;

  static SerialLink open(SerialPortConfig config) throws IOException {
    String name = config.port();
    if (name.startsWith("/") && !Files.exists(Path.of(name))) {
      throw new IOException("no such port " + name);
    }
    SerialPort port;
    try {
      // Looked up afresh on every attempt: a re-plugged adapter or restarted socat gives the same
      // name a new device node.
      port = SerialPort.getCommPort(name);
    } catch (SerialPortInvalidPortException e) {
      throw new IOException("no such port " + name + ": " + e.getMessage(), e);
    }
    port.setComPortParameters(
        config.baud(), config.dataBits(), stopBits(config), parity(config), false);
    port.setFlowControl(flowControl(config));
    port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, POLL_MILLIS, 0);
    if (!port.openPort()) {
      throw new IOException("cannot open " + name + " (error " + port.getLastErrorCode() + ")");
    }
    return new JSerialCommLink(port, name);
  }

  @Override
  public int read(byte[] buf) throws IOException {
    int n = port.readBytes(buf, buf.length);
    if (n < 0) {
      return -1;
    }
    return n;
  }

  @Override
  public boolean present() {
    if (!port.isOpen() || port.bytesAvailable() < 0) {
      return false;
    }
    return !name.startsWith("/") || Files.exists(Path.of(name));
  }

  @Override
  public void close() {
    port.closePort();
  }

  private static int stopBits(SerialPortConfig c) {
    return switch (c.stopBits()) {
      case ONE -> SerialPort.ONE_STOP_BIT;
      case ONE_POINT_FIVE -> SerialPort.ONE_POINT_FIVE_STOP_BITS;
      case TWO -> SerialPort.TWO_STOP_BITS;
    };
  }

  private static int parity(SerialPortConfig c) {
    return switch (c.parity()) {
      case NONE -> SerialPort.NO_PARITY;
      case ODD -> SerialPort.ODD_PARITY;
      case EVEN -> SerialPort.EVEN_PARITY;
      case MARK -> SerialPort.MARK_PARITY;
      case SPACE -> SerialPort.SPACE_PARITY;
    };
  }

  private static int flowControl(SerialPortConfig c) {
    return switch (c.flowControl()) {
      case NONE -> SerialPort.FLOW_CONTROL_DISABLED;
      case RTS_CTS -> SerialPort.FLOW_CONTROL_RTS_ENABLED | SerialPort.FLOW_CONTROL_CTS_ENABLED;
      case XON_XOFF ->
          SerialPort.FLOW_CONTROL_XONXOFF_IN_ENABLED | SerialPort.FLOW_CONTROL_XONXOFF_OUT_ENABLED;
    };
  }
}
