package org.vitalbridge.hl7v2;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * Decodes a raw HL7 v2 message with the character set its MSH-18 names (HL7 table 0211). Without
 * MSH-18 the configured default applies; bytes that are not valid in it (a sender that writes
 * Latin-1 but declares nothing, under a UTF-8 default) fall back to ISO-8859-1, so a name never
 * turns into replacement characters. HAPI's own table is not public API.
 */
final class Msh18Charsets {
  private static final Map<String, String> TABLE_0211 =
      Map.ofEntries(
          Map.entry("ASCII", "US-ASCII"),
          Map.entry("8859/1", "ISO-8859-1"),
          Map.entry("8859/2", "ISO-8859-2"),
          Map.entry("8859/3", "ISO-8859-3"),
          Map.entry("8859/4", "ISO-8859-4"),
          Map.entry("8859/5", "ISO-8859-5"),
          Map.entry("8859/6", "ISO-8859-6"),
          Map.entry("8859/7", "ISO-8859-7"),
          Map.entry("8859/8", "ISO-8859-8"),
          Map.entry("8859/9", "ISO-8859-9"),
          Map.entry("8859/15", "ISO-8859-15"),
          Map.entry("ISO IR6", "US-ASCII"),
          Map.entry("ISO IR14", "JIS_X0201"),
          Map.entry("ISO IR87", "ISO-2022-JP"),
          Map.entry("ISO IR159", "ISO-2022-JP"),
          Map.entry("GB 18030-2000", "GB18030"),
          Map.entry("KS X 1001", "EUC-KR"),
          Map.entry("CNS 11643-1992", "x-EUC-TW"),
          Map.entry("BIG-5", "Big5"),
          Map.entry("UNICODE", "UTF-8"),
          Map.entry("UNICODE UTF-8", "UTF-8"),
          Map.entry("UNICODE UTF-16", "UTF-16"),
          Map.entry("UNICODE UTF-32", "UTF-32"));

  private final Charset defaultCharset;

  Msh18Charsets(Charset defaultCharset) {
    this.defaultCharset = defaultCharset;
  }

  /** MSH-18's charset, else the default. */
  Charset charsetOf(byte[] raw) {
    Charset declared = declared(raw);
    return declared != null ? declared : defaultCharset;
  }

  String decode(byte[] raw) {
    return decode(raw, charsetOf(raw));
  }

  /** Decodes in {@code charset} (from {@link #charsetOf}); invalid bytes fall back to Latin-1. */
  String decode(byte[] raw, Charset charset) {
    try {
      return charset
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(raw))
          .toString();
    } catch (CharacterCodingException e) {
      return new String(raw, StandardCharsets.ISO_8859_1);
    }
  }

  /** The charset MSH-18 names, or {@code null} when absent or unknown. */
  static Charset declared(byte[] raw) {
    if (raw.length < 8 || raw[0] != 'M' || raw[1] != 'S' || raw[2] != 'H') {
      return null;
    }
    byte fieldSeparator = raw[3];
    int field = 1;
    int start = -1;
    int i = 3;
    for (; i < raw.length; i++) {
      byte b = raw[i];
      if (b == '\r' || b == '\n') {
        break;
      }
      if (b == fieldSeparator) {
        field++;
        if (field == 18) {
          start = i + 1;
        } else if (field == 19) {
          return lookup(new String(raw, start, i - start, StandardCharsets.ISO_8859_1));
        }
      }
    }
    return field == 18
        ? lookup(new String(raw, start, i - start, StandardCharsets.ISO_8859_1))
        : null;
  }

  private static Charset lookup(String msh18) {
    // MSH-18 may repeat; the first repetition is the default character set.
    int repeat = msh18.indexOf('~');
    String code = (repeat >= 0 ? msh18.substring(0, repeat) : msh18).strip();
    String name = TABLE_0211.get(code.toUpperCase(Locale.ROOT));
    if (name == null || !Charset.isSupported(name)) {
      return null;
    }
    return Charset.forName(name);
  }
}
