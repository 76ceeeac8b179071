package org.vitalbridge.core.model;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a metric sits in an IEEE 11073 device: MDS → VMD → channel → metric, as IHE PCD-01 writes
 * it in OBX-4 ({@code 1.2.1.3}). Kept on the measurement so that PCD-01 out can rebuild the OBX
 * hierarchy and FHIR out can name the sub-device.
 *
 * @param path dotted containment, one to four positive numbers
 * @param vmd the VMD's MDC code as {@code code^REFID}, {@code null} when the message had no VMD row
 * @param channel the channel's MDC code as {@code code^REFID}, {@code null} when absent
 */
public record Containment(String path, String vmd, String channel) {
  private static final Pattern PATH = Pattern.compile("\\d+(\\.\\d+){0,3}");

  public Containment {
    Objects.requireNonNull(path, "path");
    if (!PATH.matcher(path).matches()) {
      throw new IllegalArgumentException("not an MDS.VMD.CHANNEL.METRIC path: " + path);
    }
  }

  public static boolean isPath(String s) {
    return s != null && PATH.matcher(s).matches();
  }

  /** The path's levels: MDS, VMD, channel, metric; missing levels are 0. */
  public int[] levels() {
    int[] out = new int[4];
    String[] parts = path.split("\\.");
    for (int i = 0; i < parts.length; i++) {
      out[i] = Integer.parseInt(parts[i]);
    }
    return out;
  }

  /** One text column: {@code path|vmd|channel}. */
  public String encode() {
    return path + "|" + (vmd == null ? "" : vmd) + "|" + (channel == null ? "" : channel);
  }

  /** Reads {@link #encode()}; {@code null} stays {@code null}. */
  public static Containment decode(String s) {
    if (s == null || s.isEmpty()) {
      return null;
    }
    String[] parts = s.split("\\|", -1);
    return new Containment(
        parts[0],
        parts.length > 1 && !parts[1].isEmpty() ? parts[1] : null,
        parts.length > 2 && !parts[2].isEmpty() ? parts[2] : null);
  }
}
