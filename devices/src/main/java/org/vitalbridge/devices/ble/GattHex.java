package org.vitalbridge.devices.ble;

import java.util.regex.Pattern;

/**
 * Hex text to bytes: {@code "1E 78 00"}, {@code "1e7800"}, {@code "1e:78:00"}, {@code "0x1E 0x78"}.
 * Whitespace, colons, commas and dashes separate bytes; each byte is two hex digits.
 */
final class GattHex {
  private static final Pattern PREFIX = Pattern.compile("(?<![0-9A-Fa-f])0[xX]");
  private static final Pattern SEPARATORS = Pattern.compile("[\\s:,\\-]+");

  private GattHex() {}

  /**
   * @throws IllegalArgumentException naming the first character that is not hex, or an odd count
   */
  static byte[] parse(String text) {
    String[] tokens = SEPARATORS.split(PREFIX.matcher(text.strip()).replaceAll(""));
    StringBuilder digits = new StringBuilder(text.length());
    for (String token : tokens) {
      if (token.length() % 2 != 0) {
        throw new IllegalArgumentException(
            "hex byte '" + abbreviate(token) + "' has an odd number of digits");
      }
      digits.append(token);
    }
    byte[] out = new byte[digits.length() / 2];
    for (int i = 0; i < out.length; i++) {
      int hi = Character.digit(digits.charAt(2 * i), 16);
      int lo = Character.digit(digits.charAt(2 * i + 1), 16);
      if (hi < 0 || lo < 0) {
        throw new IllegalArgumentException(
            "'" + digits.charAt(hi < 0 ? 2 * i : 2 * i + 1) + "' at byte " + i + " is not hex");
      }
      out[i] = (byte) (hi << 4 | lo);
    }
    return out;
  }

  private static String abbreviate(String s) {
    return s.length() <= 16 ? s : s.substring(0, 16) + "…";
  }
}
