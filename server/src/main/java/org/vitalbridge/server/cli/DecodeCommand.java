package org.vitalbridge.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.vitalbridge.core.ConfigurationException;
import org.vitalbridge.core.mapping.MappingResult;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.MeasurementFlag;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.core.pipeline.Outcome;
import org.vitalbridge.core.terminology.TerminologyLoader;
import org.vitalbridge.devices.ble.BleGattDecoder;
import org.vitalbridge.devices.phd.PhdDecodeSession;
import org.vitalbridge.devices.serial.SerialProtocols;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * One-shot decoding of device bytes with the engine's own decoders and harmonizer: BLE
 * characteristic values, an IEEE 11073-20601 association's APDUs, serial protocol lines. Prints the
 * same JSON lines as {@code normalize}, plus device status and protocol replies.
 */
@Command(
    name = "decode",
    mixinStandardHelpOptions = true,
    description = {
      "Decode device bytes and print one JSON line per measurement, rejection, device status",
      "({\"kind\":\"status\"}) and protocol reply ({\"kind\":\"reply\",\"hex\":…}).",
      "  --format ble    each FILE holds one characteristic value as hex bytes (needs --uuid)",
      "  --format phd    the FILEs hold one association's APDUs as hex bytes, in order",
      "  --format serial each FILE holds text lines of the --protocol",
      "Exit 0 when it ran, 2 on usage errors."
    })
final class DecodeCommand implements Callable<Integer> {
  private static final ObjectMapper OUT = new ObjectMapper();

  enum Format {
    BLE,
    PHD,
    SERIAL
  }

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--format",
      required = true,
      paramLabel = "ble|phd|serial",
      converter = FormatConverter.class,
      description = "What the files hold.")
  Format format;

  @Option(
      names = "--uuid",
      paramLabel = "UUID",
      description = "BLE characteristic (2A35, 0x2A35 or the 128-bit form).")
  String uuid;

  @Option(
      names = "--protocol",
      paramLabel = "NAME",
      description = "Serial line protocol (oximeter-tagged-ascii, oximeter-spo2-hr, …).")
  String protocol;

  @Option(
      names = "--protocol-file",
      paramLabel = "FILE",
      description = "Extra serial line-protocol spec file(s).")
  List<Path> protocolFiles = new ArrayList<>();

  @Option(
      names = "--device",
      paramLabel = "ID",
      description = "Device id for the readings (BLE and serial; 11073 agents name themselves).")
  String device;

  @Option(
      names = "--zone",
      paramLabel = "IANA_ZONE",
      description = "Zone of the device clock: local device times are read in it.")
  String zone;

  @Option(
      names = "--terminology",
      paramLabel = "FILE",
      description = "Terminology override file(s) extending or changing the shipped metrics.")
  List<Path> terminology = new ArrayList<>();

  @Parameters(paramLabel = "FILE", arity = "1..*", description = "Hex or text files.")
  List<Path> files;

  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ZoneId deviceZone;
    try {
      deviceZone = zone == null ? null : ZoneId.of(zone);
    } catch (DateTimeException e) {
      err.println("unknown zone '" + zone + "': use an IANA zone id such as America/New_York");
      return 2;
    }
    for (Path f : files) {
      if (!Files.isReadable(f)) {
        err.println(f + ": no such readable file");
        return 2;
      }
    }
    MessageProcessor processor;
    SerialProtocols protocols;
    try {
      processor =
          new MessageProcessor(
              List.of(),
              DryRun.harmonizer(
                  TerminologyLoader.load(terminology), deviceZone, Duration.ofMinutes(5)));
      protocols =
          protocolFiles.isEmpty()
              ? SerialProtocols.shipped()
              : SerialProtocols.withFiles(protocolFiles);
    } catch (ConfigurationException e) {
      err.println(e.getMessage());
      return 2;
    }
    Printer printer = new Printer(out, processor);
    switch (format) {
      case BLE -> {
        if (uuid == null) {
          err.println("--format ble needs --uuid (the characteristic, e.g. 2A35)");
          return 2;
        }
        String id = device == null ? "ble-device" : device;
        for (Path f : files) {
          String text = Files.readString(f, StandardCharsets.UTF_8);
          printer.print(BleGattDecoder.decodeHex(uuid, text, id, deviceZone), f.toString());
        }
      }
      case PHD -> {
        PhdDecodeSession session = PhdDecodeSession.open(deviceZone);
        for (Path f : files) {
          byte[] stream;
          try {
            stream = PhdDecodeSession.parseHex(Files.readString(f, StandardCharsets.UTF_8));
          } catch (IllegalArgumentException e) {
            err.println(f + ": not hex bytes: " + e.getMessage());
            return 2;
          }
          PhdDecodeSession.Step step = session.feedStream(stream);
          printer.print(
              new MappingResult.Mapped("phd", step.readings(), step.rejections()), f.toString());
          for (String reply : step.repliesHex()) {
            ObjectNode o = OUT.createObjectNode();
            o.put("kind", "reply");
            o.put("hex", reply);
            o.put("source", f.toString());
            out.println(OUT.writeValueAsString(o));
          }
        }
      }
      case SERIAL -> {
        if (protocol == null || !protocols.has(protocol)) {
          err.println(
              "--format serial needs --protocol, one of: " + String.join(", ", protocols.names()));
          return 2;
        }
        for (Path f : files) {
          List<String> lines = Files.readAllLines(f, StandardCharsets.ISO_8859_1);
          for (SerialProtocols.DecodedLine line : protocols.decode(protocol, device, lines)) {
            printer.print(line.result(), f + ":" + line.number());
          }
        }
      }
      default -> throw new IllegalStateException("format " + format);
    }
    out.flush();
    return 0;
  }

  /** Harmonizes what a decoder produced and prints it as normalize does. */
  private final class Printer {
    private final PrintWriter out;
    private final MessageProcessor processor;

    Printer(PrintWriter out, MessageProcessor processor) {
      this.out = out;
      this.processor = processor;
    }

    void print(MappingResult result, String source) throws IOException {
      RawMessage raw =
          new RawMessage(
              "decode:" + source,
              new byte[0],
              "application/octet-stream",
              "decode",
              source,
              null,
              clock.instant());
      if (result instanceof MappingResult.Mapped m) {
        status(m.readings(), source);
      }
      for (Outcome o : processor.harmonize(result, raw)) {
        if (o instanceof Outcome.Accepted a) {
          out.println(NormalizeCommand.measurementLine(a.measurement(), source));
        } else {
          Outcome.Rejected r = (Outcome.Rejected) o;
          out.println(NormalizeCommand.rejectedLine(r.stage(), r.rejection(), source));
        }
      }
    }

    /** What the device said about itself (alarm, signal quality), once per device and source. */
    private void status(List<DeviceReading> readings, String source) throws IOException {
      Set<MeasurementFlag> flags = EnumSet.noneOf(MeasurementFlag.class);
      String device = null;
      for (DeviceReading r : readings) {
        flags.addAll(r.deviceFlags());
        device = device == null ? r.device() : device;
      }
      if (flags.isEmpty()) {
        return;
      }
      ObjectNode o = OUT.createObjectNode();
      o.put("kind", "status");
      o.put("device", device);
      ArrayNode array = o.putArray("flags");
      flags.forEach(f -> array.add(f.code()));
      o.put("source", source);
      out.println(OUT.writeValueAsString(o));
    }
  }

  /** {@code ble}, {@code phd}, {@code serial} in any case. */
  static final class FormatConverter implements picocli.CommandLine.ITypeConverter<Format> {
    @Override
    public Format convert(String value) {
      try {
        return Format.valueOf(value.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(
            "'" + value + "' is not ble, phd or serial");
      }
    }
  }
}
