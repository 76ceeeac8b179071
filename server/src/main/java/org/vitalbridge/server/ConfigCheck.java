package org.vitalbridge.server;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.vitalbridge.core.ConfigurationException;
import org.vitalbridge.core.mapping.TemplateSet;
import org.vitalbridge.core.terminology.Terminology;
import org.vitalbridge.core.terminology.TerminologyLoader;
import org.vitalbridge.server.config.VitalBridgeConfig;

/**
 * Everything {@link Engine#start} would refuse in a configuration, found without opening the store
 * or binding a port: terminology and templates load, zones and enumerations are known, TLS key
 * stores open, and each section's limits hold. Every error is reported at once, one per section, so
 * an operator fixes them in one pass ({@code check-config}, and {@code run} before it starts).
 */
public final class ConfigCheck {

  /**
   * What the check found.
   *
   * @param errors one line per problem, each naming its key; empty when the configuration is valid
   * @param templates mapping templates loaded (0 when they did not load)
   */
  public record Result(List<String> errors, int templates) {
    public boolean ok() {
      return errors.isEmpty();
    }
  }

  private ConfigCheck() {}

  public static Result check(VitalBridgeConfig config, Clock clock) {
    List<String> errors = new ArrayList<>();
    Terminology terminology =
        attempt(errors, () -> TerminologyLoader.load(config.harmonizer().terminology()));
    TemplateSet templates = attempt(errors, () -> Engine.templates(config));
    List<String> badZones = zones(config.harmonizer());
    errors.addAll(badZones);
    if (terminology != null && templates != null && badZones.isEmpty()) {
      attempt(errors, () -> Engine.processor(config, terminology, templates));
    }
    attempt(errors, () -> Engine.storeConfig(config));
    attempt(errors, () -> HttpWiring.config(config.http()));
    attempt(errors, () -> MqttWiring.config(config.mqtt()));
    if (config.hl7().mllp().enabled()) {
      attempt(
          errors,
          () -> Hl7Wiring.listenerConfig(config.hl7().mllp(), config.store().maxPayloadBytes()));
    }
    if (config.hl7().destination().enabled()) {
      attempt(errors, () -> Hl7Wiring.destinationConfig(config.hl7().destination()));
    }
    if (config.fhir().enabled()) {
      attempt(errors, () -> FhirWiring.config(config.fhir()));
      attempt(
          errors,
          () -> {
            FhirWiring.checkAuth(config.fhir().auth(), clock);
            return null;
          });
    }
    org.vitalbridge.devices.serial.SerialProtocols protocols =
        attempt(errors, () -> DevicesWiring.protocols(config.devices()));
    List<Map<String, String>> serial = config.devices().serial();
    for (int i = 0; protocols != null && serial != null && i < serial.size(); i++) {
      int index = i;
      attempt(errors, () -> DevicesWiring.serialPort(index, serial.get(index), protocols));
    }
    if (config.devices().phd().enabled()) {
      attempt(errors, () -> DevicesWiring.phdConfig(config.devices().phd()));
    }
    attempt(errors, () -> LogFormat.json(config.logging()));
    return new Result(
        List.copyOf(new java.util.LinkedHashSet<>(errors)),
        templates == null ? 0 : templates.size());
  }

  /** Unknown zones, named by their key (the processor would only say "unknown zone"). */
  private static List<String> zones(VitalBridgeConfig.Harmonizer h) {
    List<String> bad = new ArrayList<>();
    if (h.defaultZone() != null) {
      zone(bad, "harmonizer.defaultZone", h.defaultZone());
    }
    for (Map.Entry<String, String> e : h.deviceZones().entrySet()) {
      zone(bad, "harmonizer.deviceZones." + e.getKey(), e.getValue());
    }
    return bad;
  }

  private static void zone(List<String> bad, String key, String zone) {
    try {
      ZoneId.of(zone);
    } catch (DateTimeException e) {
      bad.add(key + ": unknown zone '" + zone + "' (use an IANA zone id such as Europe/Berlin)");
    }
  }

  /** Runs one check; a configuration error becomes a line, the value is null. */
  private static <T> T attempt(List<String> errors, Supplier<T> check) {
    try {
      return check.get();
    } catch (ConfigurationException e) {
      errors.add(e.getMessage());
    } catch (DateTimeException | IllegalArgumentException | NullPointerException e) {
      // Checks below the configuration layer (StoreConfig, zones) speak in plain exceptions.
      errors.add(e.getMessage() == null ? e.toString() : e.getMessage());
    }
    return null;
  }
}
