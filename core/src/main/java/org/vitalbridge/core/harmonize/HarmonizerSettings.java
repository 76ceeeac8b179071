package org.vitalbridge.core.harmonize;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.Objects;

/**
 * Settings for the harmonizer.
 *
 * @param futureTolerance how far past the receive time an observation may lie before it is flagged
 *     as a future timestamp (clock skew)
 * @param defaultZone zone for local times of devices with no configured zone; {@code null} makes
 *     such local times a rejection
 * @param deviceZones configured IANA zone per device id
 */
public record HarmonizerSettings(
    Duration futureTolerance, ZoneId defaultZone, Map<String, ZoneId> deviceZones) {
  public static final HarmonizerSettings DEFAULTS =
      new HarmonizerSettings(Duration.ofMinutes(5), java.time.ZoneOffset.UTC, Map.of());

  public HarmonizerSettings {
    Objects.requireNonNull(futureTolerance, "futureTolerance");
    deviceZones = Map.copyOf(deviceZones);
  }

  public ZoneId zoneFor(String device) {
    ZoneId z = device == null ? null : deviceZones.get(device);
    return z != null ? z : defaultZone;
  }

  public HarmonizerSettings withDefaultZone(ZoneId zone) {
    return new HarmonizerSettings(futureTolerance, zone, deviceZones);
  }
}
