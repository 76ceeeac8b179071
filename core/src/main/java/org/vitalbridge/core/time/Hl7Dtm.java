package org.vitalbridge.core.time;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * HL7 v2 DTM: {@code YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]}. Missing parts are the start
 * of the period (month 1, day 1, 00:00:00). Without an offset the time is local to the zone given.
 */
final class Hl7Dtm {
  private Hl7Dtm() {}

  static ParsedTime parse(String t, ZoneId zone) throws BadTimestampException {
    int signAt = Math.max(t.indexOf('+'), t.indexOf('-'));
    String body = signAt >= 0 ? t.substring(0, signAt) : t;
    String fraction = "";
    int dot = body.indexOf('.');
    if (dot >= 0) {
      fraction = body.substring(dot + 1);
      body = body.substring(0, dot);
      if (body.length() != 14 || fraction.isEmpty() || fraction.length() > 4 || !digits(fraction)) {
        throw bad(t, "fractional seconds need YYYYMMDDHHMMSS before the point and 1-4 digits");
      }
    }
    if (!digits(body) || body.length() < 4 || body.length() > 14 || body.length() % 2 != 0) {
      throw bad(t, "expected YYYY[MM[DD[HH[MM[SS]]]]] digits");
    }
    int year = field(body, 0, 4, 1);
    int month = field(body, 4, 6, 1);
    int day = field(body, 6, 8, 1);
    int hour = field(body, 8, 10, 0);
    int minute = field(body, 10, 12, 0);
    int second = field(body, 12, 14, 0);
    int nanos = fraction.isEmpty() ? 0 : Integer.parseInt((fraction + "000000000").substring(0, 9));
    LocalDateTime ldt;
    try {
      ldt = LocalDateTime.of(year, month, day, hour, minute, second, nanos);
    } catch (java.time.DateTimeException e) {
      throw bad(t, e.getMessage());
    }
    if (signAt < 0) {
      return TimestampParser.local(ldt, zone);
    }
    String offset = t.substring(signAt);
    if (offset.length() != 5 || !digits(offset.substring(1))) {
      throw bad(t, "offset must be +ZZZZ or -ZZZZ");
    }
    int hh = Integer.parseInt(offset.substring(1, 3));
    int mm = Integer.parseInt(offset.substring(3, 5));
    int sign = offset.charAt(0) == '-' ? -1 : 1;
    try {
      return new ParsedTime(ldt.toInstant(ZoneOffset.ofHoursMinutes(sign * hh, sign * mm)), null);
    } catch (java.time.DateTimeException e) {
      throw bad(t, e.getMessage());
    }
  }

  private static int field(String body, int from, int to, int absent) {
    return body.length() >= to ? Integer.parseInt(body.substring(from, to)) : absent;
  }

  private static boolean digits(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static BadTimestampException bad(String t, String why) {
    return new BadTimestampException("cannot read '" + t + "' as HL7 DTM: " + why);
  }
}
