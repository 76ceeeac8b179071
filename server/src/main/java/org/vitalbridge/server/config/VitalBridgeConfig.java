package org.vitalbridge.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The whole configuration, as read from YAML (defaults, then a file, then the environment). */
public record VitalBridgeConfig(
    Store store, Retention retention, Harmonizer harmonizer, Path templates, Http http) {

  /**
   * @param postgresqlPassword from the environment ({@code VITALBRIDGE_STORE_POSTGRESQLPASSWORD})
   *     only: never put secrets in the file
   */
  public record Store(
      String backend,
      Path sqliteFile,
      String sqliteSynchronous,
      String postgresqlUrl,
      String postgresqlUser,
      String postgresqlPassword,
      String postgresqlSchema,
      int maxPayloadBytes,
      List<String> destinations) {}

  public record Retention(
      Duration rawMaxAge,
      Duration measurementMaxAge,
      long maxRawBytes,
      long maxRawCount,
      Duration interval) {}

  /**
   * @param defaultZone zone for local times of devices without one; null rejects such times
   * @param unitAliases extra vendor unit spellings per UCUM code
   */
  public record Harmonizer(
      Duration futureTolerance,
      String defaultZone,
      List<Path> terminology,
      Map<String, String> deviceZones,
      Map<String, List<String>> unitAliases) {}

  public record Http(String host, int port) {}
}
