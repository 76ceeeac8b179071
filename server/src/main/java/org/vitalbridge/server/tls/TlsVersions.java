package org.vitalbridge.server.tls;

import java.util.List;

/** {@code tls.minVersion}: TLSv1.3 (the default) or TLSv1.2 for devices that cannot do better. */
public final class TlsVersions {
  public static final String DEFAULT = "TLSv1.3";

  private TlsVersions() {}

  /** The protocols to enable for a minimum version; throws naming {@code key} for any other. */
  public static List<String> from(String minVersion, String key) {
    String v = minVersion == null || minVersion.isBlank() ? DEFAULT : minVersion.strip();
    switch (v) {
      case "TLSv1.3":
        return List.of("TLSv1.3");
      case "TLSv1.2":
        return List.of("TLSv1.3", "TLSv1.2");
      default:
        throw new TlsFiles.TlsFileException(
            key + ".minVersion must be TLSv1.3 or TLSv1.2, not '" + minVersion + "'");
    }
  }
}
