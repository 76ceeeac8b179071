package org.vitalbridge.devices.ble;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Characteristic and service UUIDs as hubs write them: {@code 2A35}, {@code 0x2A35}, the 32-bit
 * form {@code 00002A35}, or the full {@code 00002a35-0000-1000-8000-00805f9b34fb} on the Bluetooth
 * Base UUID. Case does not matter.
 */
final class GattUuid {
  /** Not a UUID at all. */
  static final int MALFORMED = -1;

  /** A well-formed UUID that is not a SIG-assigned 16-bit one (e.g. a vendor's 128-bit UUID). */
  static final int NOT_SIG_16 = -2;

  private static final String BASE_SUFFIX = "-0000-1000-8000-00805f9b34fb";
  private static final Pattern HEX = Pattern.compile("[0-9a-f]+");
  private static final Pattern UUID_128 =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private GattUuid() {}

  /** The 16-bit UUID, or {@link #MALFORMED} or {@link #NOT_SIG_16}. */
  static int sig16(String text) {
    if (text == null) {
      return MALFORMED;
    }
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (t.startsWith("0x")) {
      t = t.substring(2);
    }
    if (UUID_128.matcher(t).matches()) {
      if (!t.endsWith(BASE_SUFFIX)) {
        return NOT_SIG_16;
      }
      t = t.substring(0, 8);
    }
    if (!HEX.matcher(t).matches() || (t.length() != 4 && t.length() != 8)) {
      return MALFORMED;
    }
    long v = Long.parseLong(t, 16);
    return v > 0xFFFF ? NOT_SIG_16 : (int) v;
  }

  /** {@code 0x2A35}. */
  static String format(int uuid) {
    return String.format(Locale.ROOT, "0x%04X", uuid);
  }
}
