package org.vitalbridge.devices.serial;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.vitalbridge.core.ConfigurationException;

/**
 * One serial port and the device on it. Every problem is reported at once, naming its {@code
 * serial.*} key.
 *
 * @param port the port name or path ({@code /dev/ttyUSB0}, {@code COM3}, a socat link)
 * @param baud bits per second (serial.baud, default 9600)
 * @param dataBits 5–8 (serial.data-bits, default 8)
 * @param parity serial.parity: none, odd, even, mark, space (default none)
 * @param stopBits serial.stop-bits: 1, 1.5, 2 (default 1)
 * @param flowControl serial.flow-control: none, rts-cts, xon-xoff (default none)
 * @param protocol the line protocol name (serial.protocol), e.g. {@code oximeter-tagged-ascii}
 * @param deviceId the device id readings are attributed to (serial.device-id); {@code null} to use
 *     the id the line carries, if any
 * @param readTimeout how long a partial line may wait for its end (serial.read-timeout, default
 *     PT2S); after it the fragment is quarantined as incomplete
 * @param reconnectInterval the pause between attempts to (re)open the port (serial.reconnect-
 *     interval, default PT2S)
 * @param maxLineBytes the longest line accepted (serial.max-line-bytes, default 512); longer runs
 *     without a terminator are quarantined
 */
public record SerialPortConfig(
    String port,
    int baud,
    int dataBits,
    Parity parity,
    StopBits stopBits,
    FlowControl flowControl,
    String protocol,
    String deviceId,
    Duration readTimeout,
    Duration reconnectInterval,
    int maxLineBytes) {

  /** serial.parity */
  public enum Parity {
    NONE,
    ODD,
    EVEN,
    MARK,
    SPACE
  }

  /** serial.stop-bits */
  public enum StopBits {
    ONE,
    ONE_POINT_FIVE,
    TWO
  }

  /** serial.flow-control */
  public enum FlowControl {
    NONE,
    RTS_CTS,
    XON_XOFF
  }

  static final Set<String> KEYS =
      Set.of(
          "serial.port",
          "serial.baud",
          "serial.data-bits",
          "serial.parity",
          "serial.stop-bits",
          "serial.flow-control",
          "serial.protocol",
          "serial.device-id",
          "serial.read-timeout",
          "serial.reconnect-interval",
          "serial.max-line-bytes");

  public SerialPortConfig {
    List<String> problems = new ArrayList<>();
    if (port == null || port.isBlank()) {
      problems.add("serial.port: a port name is required");
    }
    if (baud < 50 || baud > 4_000_000) {
      problems.add("serial.baud: " + baud + " is not a baud rate (50–4000000)");
    }
    if (dataBits < 5 || dataBits > 8) {
      problems.add("serial.data-bits: " + dataBits + " is not 5, 6, 7 or 8");
    }
    if (protocol == null || protocol.isBlank()) {
      problems.add("serial.protocol: a line protocol name is required");
    }
    if (deviceId != null && deviceId.isBlank()) {
      problems.add("serial.device-id: must not be blank (leave it out to use the line's own id)");
    }
    if (readTimeout == null || readTimeout.isNegative() || readTimeout.toMillis() < 10) {
      problems.add("serial.read-timeout: " + readTimeout + " must be at least 10 ms");
    }
    if (reconnectInterval == null
        || reconnectInterval.isNegative()
        || reconnectInterval.toMillis() < 10) {
      problems.add("serial.reconnect-interval: " + reconnectInterval + " must be at least 10 ms");
    }
    if (maxLineBytes < 16 || maxLineBytes > 65_536) {
      problems.add("serial.max-line-bytes: " + maxLineBytes + " is not within 16–65536");
    }
    parity = parity == null ? Parity.NONE : parity;
    stopBits = stopBits == null ? StopBits.ONE : stopBits;
    flowControl = flowControl == null ? FlowControl.NONE : flowControl;
    if (!problems.isEmpty()) {
      throw new ConfigurationException(
          "invalid serial port configuration:\n  - " + String.join("\n  - ", problems));
    }
  }

  /** 9600 baud, 8N1, no flow control, 2 s read timeout and reconnect interval, 512-byte lines. */
  public static SerialPortConfig of(String port, String protocol, String deviceId) {
    return new SerialPortConfig(
        port,
        9600,
        8,
        Parity.NONE,
        StopBits.ONE,
        FlowControl.NONE,
        protocol,
        deviceId,
        Duration.ofSeconds(2),
        Duration.ofSeconds(2),
        512);
  }

  /**
   * Reads {@code serial.*} keys (values as text: {@code 9600}, {@code even}, {@code 1.5}, {@code
   * rts-cts}, {@code PT2S} or {@code 500ms}); every problem is reported at once.
   */
  public static SerialPortConfig fromProperties(Map<String, String> keys) {
    List<String> problems = new ArrayList<>();
    Set<String> unknown = new TreeSet<>(keys.keySet());
    unknown.removeAll(KEYS);
    for (String k : unknown) {
      problems.add(
          k + ": unknown key (expected one of: " + String.join(", ", new TreeSet<>(KEYS)) + ")");
    }
    SerialPortConfig d = of("-", "-", null);
    int baud = integer(keys, "serial.baud", d.baud(), problems);
    int dataBits = integer(keys, "serial.data-bits", d.dataBits(), problems);
    Parity parity = choice(keys, "serial.parity", Parity.class, Parity.NONE, problems);
    StopBits stop = StopBits.ONE;
    String s = keys.get("serial.stop-bits");
    if (s != null) {
      switch (s.strip()) {
        case "1" -> stop = StopBits.ONE;
        case "1.5" -> stop = StopBits.ONE_POINT_FIVE;
        case "2" -> stop = StopBits.TWO;
        default -> problems.add("serial.stop-bits: '" + s + "' is not 1, 1.5 or 2");
      }
    }
    FlowControl flow =
        choice(keys, "serial.flow-control", FlowControl.class, FlowControl.NONE, problems);
    Duration readTimeout = duration(keys, "serial.read-timeout", d.readTimeout(), problems);
    Duration reconnect =
        duration(keys, "serial.reconnect-interval", d.reconnectInterval(), problems);
    int maxLine = integer(keys, "serial.max-line-bytes", d.maxLineBytes(), problems);
    try {
      SerialPortConfig c =
          new SerialPortConfig(
              keys.get("serial.port"),
              baud,
              dataBits,
              parity,
              stop,
              flow,
              keys.get("serial.protocol"),
              keys.get("serial.device-id"),
              readTimeout,
              reconnect,
              maxLine);
      if (problems.isEmpty()) {
        return c;
      }
    } catch (ConfigurationException e) {
      problems.addAll(
          e.getMessage().lines().skip(1).map(l -> l.replaceFirst("^\\s*- ", "")).toList());
    }
    throw new ConfigurationException(
        "invalid serial port configuration:\n  - " + String.join("\n  - ", problems));
  }

  private static int integer(Map<String, String> keys, String key, int fallback, List<String> p) {
    String v = keys.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.strip());
    } catch (NumberFormatException e) {
      p.add(key + ": '" + v + "' is not a whole number");
      return fallback;
    }
  }

  private static <E extends Enum<E>> E choice(
      Map<String, String> keys, String key, Class<E> type, E fallback, List<String> p) {
    String v = keys.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      return Enum.valueOf(type, v.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      p.add(
          key
              + ": '"
              + v
              + "' is not one of "
              + String.join(
                  ", ",
                  java.util.Arrays.stream(type.getEnumConstants())
                      .map(c -> c.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                      .toList()));
      return fallback;
    }
  }

  private static Duration duration(
      Map<String, String> keys, String key, Duration fallback, List<String> p) {
    String v = keys.get(key);
    if (v == null) {
      return fallback;
    }
    String t = v.strip().toLowerCase(Locale.ROOT);
    try {
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).strip()));
      }
      if (t.endsWith("s") && !t.startsWith("p")) {
        return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1).strip()));
      }
      return Duration.parse(v.strip());
    } catch (NumberFormatException | DateTimeParseException e) {
      p.add(key + ": '" + v + "' is not a duration (e.g. PT2S, 2s, 500ms)");
      return fallback;
    }
  }

  /** The content type this port's lines are journaled under. */
  String contentType() {
    return SerialProtocols.contentType(protocol, deviceId);
  }
}
