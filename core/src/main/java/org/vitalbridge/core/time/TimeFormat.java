package org.vitalbridge.core.time;

import java.util.Locale;

/** How a device writes its timestamps. */
public enum TimeFormat {
  /**
   * Decide from the text: ISO-8601 when it has a date separator, a {@code T} or a colon; ten digits
   * (optionally with a fraction) are epoch seconds, thirteen epoch milliseconds; other digit
   * strings are HL7 DTM.
   */
  AUTO,
  /** A JSON number: epoch milliseconds when above 10^11, epoch seconds otherwise. */
  EPOCH,
  EPOCH_SECONDS,
  EPOCH_MILLIS,
  /** ISO-8601 with Z or an offset; without either it is local time in the device zone. */
  ISO,
  /** HL7 v2 DTM: YYYY[MM[DD[HH[MM[SS[.S…]]]]]][±ZZZZ]; without offset, local to the device zone. */
  HL7_DTM,
  /** Local date-time with no zone, by a pattern or ISO local form, in the device's IANA zone. */
  LOCAL;

  /** Parses the names used in templates and configuration: {@code epoch-ms}, {@code hl7}, … */
  public static TimeFormat parse(String name) {
    String n = name.strip().toLowerCase(Locale.ROOT).replace('_', '-');
    return switch (n) {
      case "auto" -> AUTO;
      case "epoch" -> EPOCH;
      case "epoch-s", "epoch-seconds", "unix", "unix-s" -> EPOCH_SECONDS;
      case "epoch-ms", "epoch-millis", "unix-ms" -> EPOCH_MILLIS;
      case "iso", "iso8601", "iso-8601" -> ISO;
      case "hl7", "hl7-dtm", "dtm" -> HL7_DTM;
      case "local" -> LOCAL;
      default ->
          throw new IllegalArgumentException(
              "unknown time format '"
                  + name
                  + "' (expected auto, epoch, epoch-s, epoch-ms, iso, hl7, local)");
    };
  }
}
