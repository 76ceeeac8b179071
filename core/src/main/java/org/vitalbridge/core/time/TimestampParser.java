package org.vitalbridge.core.time;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.TemporalAccessor;
import java.util.List;
import org.vitalbridge.core.model.MeasurementFlag;

/**
 * Turns a device's timestamp text into a UTC instant. Local times (no zone or offset) are resolved
 * in the zone given by the {@link TimeSpec} or, failing that, the device's zone. A local time in a
 * DST gap is read with the offset in force before the gap (the device clock had not yet sprung
 * forward) and one in an overlap with the earlier offset; both are flagged, never silent.
 */
public final class TimestampParser {

  private static final DateTimeFormatter ISO =
      new DateTimeFormatterBuilder()
          .parseCaseInsensitive()
          .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
          .optionalStart()
          .appendOffset("+HH:MM", "Z")
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HHMM", "Z")
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HH", "Z")
          .optionalEnd()
          .toFormatter()
          .withResolverStyle(ResolverStyle.STRICT);

  private static final BigDecimal MILLIS_PER_SECOND = BigDecimal.valueOf(1000);
  private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);
  private static final long EPOCH_MILLIS_THRESHOLD = 100_000_000_000L;

  private TimestampParser() {}

  /**
   * Parses {@code text}.
   *
   * @param deviceZone the device's configured zone, used for local times when the spec names none
   */
  public static ParsedTime parse(String text, TimeSpec spec, ZoneId deviceZone)
      throws BadTimestampException {
    String t = text.strip();
    if (t.isEmpty()) {
      throw new BadTimestampException("empty timestamp");
    }
    ZoneId zone = spec.zone() != null ? spec.zone() : deviceZone;
    try {
      return switch (spec.format()) {
        case AUTO -> parseAuto(t, zone);
        case EPOCH -> epochByMagnitude(t);
        case EPOCH_SECONDS -> new ParsedTime(epochSeconds(t), null);
        case EPOCH_MILLIS -> new ParsedTime(epochMillis(t), null);
        case ISO -> iso(t, zone);
        case HL7_DTM -> Hl7Dtm.parse(t, zone);
        case LOCAL ->
            local(
                spec.pattern() == null
                    ? LocalDateTime.parse(t.replace(' ', 'T'))
                    : LocalDateTime.parse(t, spec.pattern()),
                zone);
      };
    } catch (DateTimeException | ArithmeticException | NumberFormatException e) {
      throw new BadTimestampException(
          "cannot read '"
              + t
              + "' as "
              + spec.format().name().toLowerCase(java.util.Locale.ROOT)
              + ": "
              + e.getMessage());
    }
  }

  private static ParsedTime parseAuto(String t, ZoneId zone) throws BadTimestampException {
    if ((t.length() > 4 && t.charAt(4) == '-') || t.indexOf('T') > 0 || t.indexOf(':') > 0) {
      return iso(t, zone);
    }
    int dot = t.indexOf('.');
    String whole = dot < 0 ? t : t.substring(0, dot);
    if (isDigits(whole) && (dot < 0 || isDigits(t.substring(dot + 1)))) {
      // Ten digits are epoch seconds (2001–2286), thirteen epoch milliseconds; HL7 DTM has an
      // even length of 4–14 digits and only after 14 digits a fraction.
      if (whole.length() == 13) {
        return new ParsedTime(epochMillis(t), null);
      }
      if (whole.length() == 10) {
        return new ParsedTime(epochSeconds(t), null);
      }
    }
    return Hl7Dtm.parse(t, zone);
  }

  private static boolean isDigits(String t) {
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static ParsedTime epochByMagnitude(String t) {
    BigDecimal n = new BigDecimal(t);
    return new ParsedTime(
        n.abs().compareTo(BigDecimal.valueOf(EPOCH_MILLIS_THRESHOLD)) >= 0
            ? epochMillis(t)
            : epochSeconds(t),
        null);
  }

  static Instant epochSeconds(String t) {
    BigDecimal seconds = new BigDecimal(t);
    BigDecimal whole = seconds.setScale(0, java.math.RoundingMode.FLOOR);
    long nanos = seconds.subtract(whole).multiply(NANOS_PER_SECOND).longValue();
    return Instant.ofEpochSecond(whole.longValueExact(), nanos);
  }

  static Instant epochMillis(String t) {
    if (isDigits(t)) {
      return Instant.ofEpochMilli(Long.parseLong(t));
    }
    return epochSeconds(new BigDecimal(t).divide(MILLIS_PER_SECOND).toPlainString());
  }

  private static ParsedTime iso(String t, ZoneId zone) throws BadTimestampException {
    String s =
        t.length() > 10 && t.charAt(10) == ' ' ? t.substring(0, 10) + 'T' + t.substring(11) : t;
    Instant fast = fastOffsetDateTime(s);
    if (fast != null) {
      return new ParsedTime(fast, null);
    }
    TemporalAccessor parsed;
    try {
      parsed = ISO.parseBest(s, OffsetDateTime::from, LocalDateTime::from);
    } catch (DateTimeParseException e) {
      throw new BadTimestampException("cannot read '" + t + "' as ISO-8601 date-time");
    }
    if (parsed instanceof OffsetDateTime odt) {
      return new ParsedTime(odt.toInstant(), null);
    }
    return local((LocalDateTime) parsed, zone);
  }

  /**
   * The common shape {@code yyyy-MM-ddTHH:mm[:ss[.f…]](Z|±HH:MM)} read without the formatter, or
   * {@code null} for anything else (which the formatter then reads, or rejects with its message).
   */
  static Instant fastOffsetDateTime(String s) {
    int n = s.length();
    if (n < 17 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(13) != ':') {
      return null;
    }
    char sep = s.charAt(10);
    if (sep != 'T' && sep != 't') {
      return null;
    }
    int year = num(s, 0, 4);
    int month = num(s, 5, 2);
    int day = num(s, 8, 2);
    int hour = num(s, 11, 2);
    int minute = num(s, 14, 2);
    int second = 0;
    int nanos = 0;
    int i = 16;
    if (i < n && s.charAt(i) == ':') {
      second = num(s, i + 1, 2);
      i += 3;
      if (i < n && s.charAt(i) == '.') {
        int start = ++i;
        while (i < n && i - start < 9 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
          nanos = nanos * 10 + (s.charAt(i) - '0');
          i++;
        }
        if (i == start) {
          return null;
        }
        for (int k = i - start; k < 9; k++) {
          nanos *= 10;
        }
      }
    }
    if ((year | month | day | hour | minute | second) < 0 || i >= n) {
      return null;
    }
    int offsetSeconds;
    char c = s.charAt(i);
    if ((c == 'Z' || c == 'z') && i + 1 == n) {
      offsetSeconds = 0;
    } else if ((c == '+' || c == '-') && i + 6 == n && s.charAt(i + 3) == ':') {
      int oh = num(s, i + 1, 2);
      int om = num(s, i + 4, 2);
      if ((oh | om) < 0 || oh > 18 || om > 59 || (oh == 18 && om != 0)) {
        return null;
      }
      offsetSeconds = (c == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    } else {
      return null;
    }
    try {
      long epochSecond =
          LocalDate.of(year, month, day).toEpochDay() * 86_400L
              + LocalTime.of(hour, minute, second).toSecondOfDay()
              - offsetSeconds;
      return Instant.ofEpochSecond(epochSecond, nanos);
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** {@code len} decimal digits at {@code from}, or -1. */
  private static int num(String s, int from, int len) {
    if (from + len > s.length()) {
      return -1;
    }
    int v = 0;
    for (int k = from; k < from + len; k++) {
      char c = s.charAt(k);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** Resolves a local date-time in {@code zone}, flagging DST gaps and overlaps. */
  static ParsedTime local(LocalDateTime ldt, ZoneId zone) throws BadTimestampException {
    if (zone == null) {
      throw new BadTimestampException(
          "local time '" + ldt + "' has no offset and no zone is configured for the device");
    }
    List<ZoneOffset> offsets = zone.getRules().getValidOffsets(ldt);
    if (offsets.size() == 1) {
      return new ParsedTime(ldt.toInstant(offsets.get(0)), null);
    }
    if (offsets.isEmpty()) {
      ZoneOffset before = zone.getRules().getTransition(ldt).getOffsetBefore();
      return new ParsedTime(ldt.toInstant(before), MeasurementFlag.LOCAL_TIME_IN_GAP);
    }
    return new ParsedTime(ldt.toInstant(offsets.get(0)), MeasurementFlag.LOCAL_TIME_AMBIGUOUS);
  }
}
