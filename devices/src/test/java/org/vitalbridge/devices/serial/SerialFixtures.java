package org.vitalbridge.devices.serial;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.vitalbridge.core.harmonize.Harmonizer;
import org.vitalbridge.core.harmonize.HarmonizerSettings;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.core.terminology.TerminologyLoader;
import org.vitalbridge.core.units.UnitResolver;

/** The pipeline the serial tests share: shipped protocols, OX-1 in Europe/Berlin. */
final class SerialFixtures {
  static final Instant NOW = Instant.parse("2018-02-24T03:50:00Z");
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  static final SerialProtocols PROTOCOLS = SerialProtocols.shipped();

  static final Harmonizer HARMONIZER =
      new Harmonizer(
          TerminologyLoader.shipped(),
          UnitResolver.shipped(),
          new HarmonizerSettings(Duration.ofMinutes(5), null, Map.of("OX-1", BERLIN)));

  static final MessageProcessor PROCESSOR =
      new MessageProcessor(List.of(PROTOCOLS.decoder()), HARMONIZER);

  private SerialFixtures() {}

  static RawMessage line(String protocol, String device, String line) {
    return new RawMessage(
        "raw-" + Math.abs(line.hashCode()),
        line.getBytes(StandardCharsets.ISO_8859_1),
        SerialProtocols.contentType(protocol, device),
        "serial",
        "/dev/ttyUSB0",
        null,
        NOW);
  }
}
