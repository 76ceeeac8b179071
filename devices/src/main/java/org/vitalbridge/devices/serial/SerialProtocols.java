package org.vitalbridge.devices.serial;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.vitalbridge.core.ConfigurationException;
import org.vitalbridge.core.mapping.MappingResult;
import org.vitalbridge.core.pipeline.MediaTypeParameters;
import org.vitalbridge.core.pipeline.PayloadDecoder;

/**
 * The serial line protocols the engine knows: the ones shipped in this jar (see {@code
 * docs/devices/serial.md}) plus any spec files the operator configures. The entry point for the
 * pipeline ({@link #decoder()}) and for one-shot decoding ({@link #decode}, the CLI's {@code decode
 * --format serial}).
 */
public final class SerialProtocols {
  /** The media type serial lines are journaled under. */
  public static final String MEDIA_TYPE = "text/vnd.vitalbridge.serial";

  /** Specs shipped as resources next to this class. */
  static final List<String> SHIPPED = List.of("oximeter-tagged-ascii", "oximeter-spo2-hr");

  private final Map<String, SerialProtocol> protocols;

  private SerialProtocols(Map<String, SerialProtocol> protocols) {
    this.protocols = Map.copyOf(protocols);
  }

  /** The protocols shipped in the jar. */
  public static SerialProtocols shipped() {
    return withFiles(List.of());
  }

  /**
   * The shipped protocols plus the specs in {@code files} (YAML, one protocol each). A file may not
   * reuse a name already known. Throws {@link ConfigurationException} naming the file and key of
   * every problem.
   */
  public static SerialProtocols withFiles(List<Path> files) {
    Map<String, SerialProtocol> out = new LinkedHashMap<>();
    for (String name : SHIPPED) {
      String resource = name + ".yaml";
      try (InputStream in = SerialProtocols.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new ConfigurationException("shipped serial protocol " + resource + " is missing");
        }
        add(out, LineSpecLoader.load(in, resource), resource);
      } catch (IOException e) {
        throw new ConfigurationException(resource + ": cannot read: " + e.getMessage());
      }
    }
    for (Path file : files) {
      try (InputStream in = Files.newInputStream(file)) {
        add(out, LineSpecLoader.load(in, file.toString()), file.toString());
      } catch (IOException e) {
        throw new ConfigurationException(file + ": cannot read: " + e.getMessage());
      }
    }
    return new SerialProtocols(out);
  }

  private static void add(Map<String, SerialProtocol> out, LineSpec spec, String source) {
    if (out.containsKey(spec.name())) {
      throw new ConfigurationException(
          source + ": 'name' " + spec.name() + " is already a serial protocol");
    }
    out.put(spec.name(), new TaggedLineDecoder(spec));
  }

  /** The names of the known protocols, sorted. */
  public Set<String> names() {
    return new TreeSet<>(protocols.keySet());
  }

  /** Whether {@code name} is a known protocol. */
  public boolean has(String name) {
    return protocols.containsKey(name);
  }

  /** The pipeline decoder for lines journaled under {@link #contentType}. */
  public PayloadDecoder decoder() {
    return new SerialLineDecoder(protocols);
  }

  /**
   * The content type a line from a port is journaled under: {@code text/vnd.vitalbridge.serial;
   * protocol="oximeter-spo2-hr"; device="OX-7"}. Kept with the bytes, so reprocessing decodes them
   * with the same protocol and device.
   *
   * @param deviceId the configured device id, or {@code null} to use the line's own (if any)
   */
  public static String contentType(String protocol, String deviceId) {
    StringBuilder b = new StringBuilder(MEDIA_TYPE);
    b.append("; protocol=").append(MediaTypeParameters.quote(protocol));
    if (deviceId != null) {
      b.append("; device=").append(MediaTypeParameters.quote(deviceId));
    }
    return b.toString();
  }

  /**
   * What one line decoded to.
   *
   * @param number 1-based position in the input
   */
  public record DecodedLine(int number, String line, MappingResult result) {}

  /**
   * Decodes {@code lines} with protocol {@code protocol}, as the pipeline would (before
   * harmonization): for the CLI's {@code decode --format serial --protocol NAME FILE}. Blank lines
   * are skipped (the serial reader never journals them either).
   *
   * @param deviceId the device id to attribute readings to, or {@code null} for the line's own
   * @throws ConfigurationException when the protocol is unknown
   */
  public List<DecodedLine> decode(String protocol, String deviceId, List<String> lines) {
    SerialProtocol decoder = protocols.get(protocol);
    if (decoder == null) {
      throw new ConfigurationException(
          "unknown serial protocol '" + protocol + "' (known: " + String.join(", ", names()) + ")");
    }
    List<DecodedLine> out = new ArrayList<>(lines.size());
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (!line.isBlank()) {
        out.add(new DecodedLine(i + 1, line, decoder.decode(line, deviceId)));
      }
    }
    return out;
  }
}
