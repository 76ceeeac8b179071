package org.vitalbridge.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.vitalbridge.core.ConfigurationException;
import org.vitalbridge.core.pipeline.PayloadDecoder;
import org.vitalbridge.devices.ble.BleGattDecoder;
import org.vitalbridge.devices.phd.PhdListener;
import org.vitalbridge.devices.phd.PhdListenerConfig;
import org.vitalbridge.devices.phd.PhdReportDecoder;
import org.vitalbridge.devices.serial.SerialIngest;
import org.vitalbridge.devices.serial.SerialPortConfig;
import org.vitalbridge.devices.serial.SerialProtocols;
import org.vitalbridge.server.config.VitalBridgeConfig;
import org.vitalbridge.store.Store;

/** Builds the device-protocol pieces (serial ports, BLE hub decoding, 11073 agents) from config. */
final class DevicesWiring {
  private DevicesWiring() {}

  /** The shipped serial line protocols plus the configured spec files. */
  static SerialProtocols protocols(VitalBridgeConfig.Devices d) {
    return d.serialProtocols() == null || d.serialProtocols().isEmpty()
        ? SerialProtocols.shipped()
        : SerialProtocols.withFiles(d.serialProtocols());
  }

  /**
   * The decoders of device payloads, to be asked before the generic JSON template decoder: a BLE
   * hub posts JSON under the template name {@value BleGattDecoder#TEMPLATE}.
   */
  static List<PayloadDecoder> decoders(SerialProtocols protocols) {
    return List.of(new BleGattDecoder(), protocols.decoder(), new PhdReportDecoder());
  }

  /** Every configured serial port, each validated first so a bad entry stops start-up. */
  static List<SerialPortConfig> serialPorts(
      VitalBridgeConfig.Devices d, SerialProtocols protocols) {
    List<SerialPortConfig> ports = new ArrayList<>();
    List<Map<String, String>> entries = d.serial() == null ? List.of() : d.serial();
    for (int i = 0; i < entries.size(); i++) {
      ports.add(serialPort(i, entries.get(i), protocols));
    }
    return ports;
  }

  /** Entry {@code index} of {@code devices.serial}, checked (problems named by its key). */
  static SerialPortConfig serialPort(
      int index, Map<String, String> entry, SerialProtocols protocols) {
    String where = "devices.serial[" + index + "]";
    SerialPortConfig port;
    try {
      port = SerialPortConfig.fromProperties(serialKeys(entry));
    } catch (ConfigurationException | IllegalArgumentException e) {
      throw new ConfigurationException(where + ": " + e.getMessage());
    }
    if (!protocols.has(port.protocol())) {
      throw new ConfigurationException(
          where
              + ".protocol: unknown line protocol '"
              + port.protocol()
              + "' (known: "
              + String.join(", ", protocols.names())
              + ")");
    }
    return port;
  }

  /** {@code dataBits} in the YAML is {@code serial.data-bits} for the port configuration. */
  private static Map<String, String> serialKeys(Map<String, String> yaml) {
    Map<String, String> keys = new LinkedHashMap<>();
    yaml.forEach((k, v) -> keys.put("serial." + kebab(k), v));
    return keys;
  }

  private static String kebab(String camel) {
    StringBuilder b = new StringBuilder();
    for (char c : camel.toCharArray()) {
      if (Character.isUpperCase(c)) {
        b.append('-').append(Character.toLowerCase(c));
      } else {
        b.append(c);
      }
    }
    return b.toString().toLowerCase(Locale.ROOT);
  }

  static List<SerialIngest> startSerial(
      List<SerialPortConfig> ports, SerialProtocols protocols, Store store, Clock clock) {
    List<SerialIngest> started = new ArrayList<>();
    for (SerialPortConfig port : ports) {
      started.add(SerialIngest.start(port, protocols, store.ingestor(), clock));
    }
    return started;
  }

  static PhdListener startPhd(VitalBridgeConfig.Phd p, Store store, Clock clock) {
    PhdListenerConfig config = phdConfig(p);
    try {
      return PhdListener.start(config, store.ingestor(), clock);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "devices.phd: cannot listen on " + p.host() + ":" + p.port() + ": " + e.getMessage(), e);
    }
  }

  /** The 20601 listener's settings, checked (every problem named by its key). */
  static PhdListenerConfig phdConfig(VitalBridgeConfig.Phd p) {
    try {
      return new PhdListenerConfig(
          p.host(),
          p.port(),
          p.idleTimeout(),
          p.zone() == null || p.zone().isBlank() ? null : ZoneId.of(p.zone()),
          p.maxConnections(),
          p.commitTimeout());
    } catch (DateTimeException e) {
      throw new ConfigurationException("devices.phd.zone: unknown zone '" + p.zone() + "'");
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("devices.phd: " + e.getMessage());
    }
  }
}
