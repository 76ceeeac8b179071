package org.vitalbridge.core.terminology;

import java.text.Normalizer;

/** Normalizes labels so that "Sat O2", "SAT_O2" and "sat-o2" are one key. */
public final class Labels {
  private Labels() {}

  /**
   * Lower-case letters and digits only; other characters are dropped (NFKC first for non-ASCII).
   */
  public static String normalize(String label) {
    String s = label;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 127) {
        s = Normalizer.normalize(s, Normalizer.Form.NFKC);
        break;
      }
    }
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        out.append((char) (c + ('a' - 'A')));
      } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        out.append(c);
      } else if (c > 127 && Character.isLetterOrDigit(c)) {
        out.append(Character.toLowerCase(c));
      }
    }
    return out.toString();
  }
}
