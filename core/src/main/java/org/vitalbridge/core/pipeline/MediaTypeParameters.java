package org.vitalbridge.core.pipeline;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Media type parameters (RFC 9110 §8.3.1): {@code type/subtype; name=token; name="quoted \"
 * string"}. Names are case-insensitive (returned lower-case); a malformed parameter is ignored,
 * never thrown.
 */
public final class MediaTypeParameters {
  private MediaTypeParameters() {}

  /** {@code type/subtype} without parameters, trimmed. */
  public static String baseType(String contentType) {
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
  }

  /** The parameters in order of appearance; the first of repeated names wins. */
  public static Map<String, String> parse(String contentType) {
    Map<String, String> out = new LinkedHashMap<>();
    int i = contentType.indexOf(';');
    int n = contentType.length();
    while (i >= 0 && i < n) {
      i++; // past ';'
      int eq = contentType.indexOf('=', i);
      int nextSemi = contentType.indexOf(';', i);
      if (eq < 0 || (nextSemi >= 0 && nextSemi < eq)) {
        i = nextSemi;
        continue;
      }
      String name = contentType.substring(i, eq).trim().toLowerCase(Locale.ROOT);
      int v = eq + 1;
      while (v < n && contentType.charAt(v) == ' ') {
        v++;
      }
      StringBuilder value = new StringBuilder();
      if (v < n && contentType.charAt(v) == '"') {
        v++;
        while (v < n && contentType.charAt(v) != '"') {
          char c = contentType.charAt(v);
          if (c == '\\' && v + 1 < n) {
            v++;
            c = contentType.charAt(v);
          }
          value.append(c);
          v++;
        }
        i = contentType.indexOf(';', v);
      } else {
        int end = contentType.indexOf(';', v);
        value.append(contentType, v, end < 0 ? n : end);
        i = end;
        value = new StringBuilder(value.toString().trim());
      }
      if (!name.isEmpty()) {
        out.putIfAbsent(name, value.toString());
      }
    }
    return out;
  }

  /** {@code value} as a quoted-string. */
  public static String quote(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
