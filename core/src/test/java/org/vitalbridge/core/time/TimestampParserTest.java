package org.vitalbridge.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.vitalbridge.core.model.MeasurementFlag;

class TimestampParserTest {

  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  private static ParsedTime parse(String text, TimeFormat format, ZoneId deviceZone)
      throws BadTimestampException {
    return TimestampParser.parse(text, TimeSpec.of(format), deviceZone);
  }

  private static Instant at(String iso) {
    return Instant.parse(iso);
  }

  @Nested
  class Auto {
    @Test
    void isoWithZuluIsReadAsIso() throws Exception {
      ParsedTime t = parse("2026-03-15T10:30:00Z", TimeFormat.AUTO, null);
      assertThat(t.instant()).isEqualTo(at("2026-03-15T10:30:00Z"));
      assertThat(t.localTimeFlag()).isNull();
    }

    @Test
    void thirteenDigitsAreEpochMillis() throws Exception {
      long millis = at("2026-03-15T10:30:00.123Z").toEpochMilli();
      assertThat(Long.toString(millis)).hasSize(13);
      assertThat(parse(Long.toString(millis), TimeFormat.AUTO, null).instant())
          .isEqualTo(at("2026-03-15T10:30:00.123Z"));
    }

    @Test
    void otherDigitStringsAreHl7Dtm() throws Exception {
      assertThat(parse("20260315103000+0100", TimeFormat.AUTO, null).instant())
          .isEqualTo(at("2026-03-15T09:30:00Z"));
      assertThat(parse("20260315", TimeFormat.AUTO, ZoneOffset.UTC).instant())
          .isEqualTo(at("2026-03-15T00:00:00Z"));
    }

    @Test
    void isoLocalTimeWithSpaceIsResolvedInDeviceZone() throws Exception {
      assertThat(parse("2026-03-15 10:30:00", TimeFormat.AUTO, BERLIN).instant())
          .isEqualTo(at("2026-03-15T09:30:00Z"));
    }

    @Test
    void localTimeInGapIsFlaggedInAutoToo() throws Exception {
      ParsedTime t = parse("2026-03-29T02:30:00", TimeFormat.AUTO, BERLIN);
      assertThat(t.instant()).isEqualTo(at("2026-03-29T01:30:00Z"));
      assertThat(t.localTimeFlag()).isEqualTo(MeasurementFlag.LOCAL_TIME_IN_GAP);
    }
  }

  @Nested
  class Epoch {
    @Test
    void byMagnitudeSmallNumbersAreSeconds() throws Exception {
      long seconds = at("2026-03-15T10:30:00Z").getEpochSecond();
      assertThat(parse(Long.toString(seconds), TimeFormat.EPOCH, null).instant())
          .isEqualTo(at("2026-03-15T10:30:00Z"));
    }

    @Test
    void byMagnitudeLargeNumbersAreMillis() throws Exception {
      long millis = at("2026-03-15T10:30:00.250Z").toEpochMilli();
      assertThat(parse(Long.toString(millis), TimeFormat.EPOCH, null).instant())
          .isEqualTo(at("2026-03-15T10:30:00.250Z"));
    }

    @Test
    void thresholdBetweenSecondsAndMillisIsTenToTheEleventh() throws Exception {
      assertThat(parse("99999999999", TimeFormat.EPOCH, null).instant())
          .isEqualTo(Instant.ofEpochSecond(99_999_999_999L));
      assertThat(parse("100000000000", TimeFormat.EPOCH, null).instant())
          .isEqualTo(Instant.ofEpochMilli(100_000_000_000L));
    }

    @Test
    void fractionalSecondsByMagnitude() throws Exception {
      assertThat(parse("1773570600.5", TimeFormat.EPOCH, null).instant())
          .isEqualTo(at("2026-03-15T10:30:00.500Z"));
    }

    @Test
    void epochSeconds() throws Exception {
      assertThat(parse("1773570600", TimeFormat.EPOCH_SECONDS, null).instant())
          .isEqualTo(at("2026-03-15T10:30:00Z"));
      assertThat(parse("0", TimeFormat.EPOCH_SECONDS, null).instant()).isEqualTo(Instant.EPOCH);
    }

    @ParameterizedTest
    @CsvSource({
      "1773570600.5, 2026-03-15T10:30:00.500Z",
      "1773570600.123456789, 2026-03-15T10:30:00.123456789Z",
      "1773570600.001, 2026-03-15T10:30:00.001Z",
      "-1.5, 1969-12-31T23:59:58.500Z",
      "1.7735706E9, 2026-03-15T10:30:00Z"
    })
    void epochSecondsWithFraction(String text, String expected) throws Exception {
      assertThat(parse(text, TimeFormat.EPOCH_SECONDS, null).instant()).isEqualTo(at(expected));
    }

    @Test
    void epochMillis() throws Exception {
      assertThat(parse("1773570600123", TimeFormat.EPOCH_MILLIS, null).instant())
          .isEqualTo(at("2026-03-15T10:30:00.123Z"));
      // a small millisecond value stays milliseconds when the format says so
      assertThat(parse("1500", TimeFormat.EPOCH_MILLIS, null).instant())
          .isEqualTo(Instant.ofEpochMilli(1500));
    }

    @Test
    void epochMillisWithFraction() throws Exception {
      assertThat(parse("1773570600123.5", TimeFormat.EPOCH_MILLIS, null).instant())
          .isEqualTo(at("2026-03-15T10:30:00.123500Z"));
    }

    @Test
    void surroundingWhitespaceIsIgnored() throws Exception {
      assertThat(parse("  1773570600 \n", TimeFormat.EPOCH_SECONDS, null).instant())
          .isEqualTo(at("2026-03-15T10:30:00Z"));
    }
  }

  @Nested
  class Iso {
    @ParameterizedTest
    @CsvSource({
      "2026-03-15T10:30:00Z, 2026-03-15T10:30:00Z",
      "2026-03-15T10:30:00z, 2026-03-15T10:30:00Z",
      "2026-03-15T10:30:00.123Z, 2026-03-15T10:30:00.123Z",
      "2026-03-15T10:30Z, 2026-03-15T10:30:00Z",
      "2026-03-15T10:30:00+01:00, 2026-03-15T09:30:00Z",
      "2026-03-15T10:30:00+0100, 2026-03-15T09:30:00Z",
      "2026-03-15T10:30:00+01, 2026-03-15T09:30:00Z",
      "2026-03-15T10:30:00-05:00, 2026-03-15T15:30:00Z",
      "2026-03-15T10:30:00+05:45, 2026-03-15T04:45:00Z",
      "2026-03-15 10:30:00Z, 2026-03-15T10:30:00Z",
      "2026-03-15 10:30:00+01:00, 2026-03-15T09:30:00Z"
    })
    void withOffset(String text, String expected) throws Exception {
      // The device zone must not matter when the text carries an offset.
      ParsedTime t = parse(text, TimeFormat.ISO, NEW_YORK);
      assertThat(t.instant()).isEqualTo(at(expected));
      assertThat(t.localTimeFlag()).isNull();
    }

    @Test
    void withoutOffsetIsLocalToDeviceZone() throws Exception {
      assertThat(parse("2026-03-15T10:30:00", TimeFormat.ISO, BERLIN).instant())
          .isEqualTo(at("2026-03-15T09:30:00Z"));
      assertThat(parse("2026-07-15T10:30:00", TimeFormat.ISO, BERLIN).instant())
          .isEqualTo(at("2026-07-15T08:30:00Z"));
    }

    @Test
    void spaceSeparatorWithoutOffset() throws Exception {
      assertThat(parse("2026-03-15 10:30:00.5", TimeFormat.ISO, NEW_YORK).instant())
          .isEqualTo(at("2026-03-15T14:30:00.500Z"));
    }

    @Test
    void zoneOfTheSpecWinsOverDeviceZone() throws Exception {
      TimeSpec spec = new TimeSpec(TimeFormat.ISO, NEW_YORK, null);
      assertThat(TimestampParser.parse("2026-03-15T10:30:00", spec, BERLIN).instant())
          .isEqualTo(at("2026-03-15T14:30:00Z"));
    }
  }

  @Nested
  class Hl7 {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
      "2026, 2026-01-01T00:00:00Z",
      "202603, 2026-03-01T00:00:00Z",
      "20260315, 2026-03-15T00:00:00Z",
      "2026031510, 2026-03-15T10:00:00Z",
      "202603151030, 2026-03-15T10:30:00Z",
      "20260315103045, 2026-03-15T10:30:45Z",
      "20260315103045.1, 2026-03-15T10:30:45.100Z",
      "20260315103045.12, 2026-03-15T10:30:45.120Z",
      "20260315103045.123, 2026-03-15T10:30:45.123Z",
      "20260315103045.1234, 2026-03-15T10:30:45.123400Z"
    })
    void everyPrecisionWithoutOffsetIsLocalToDeviceZone(String text, String expectedUtc)
        throws Exception {
      ParsedTime utc = parse(text, TimeFormat.HL7_DTM, ZoneOffset.UTC);
      assertThat(utc.instant()).isEqualTo(at(expectedUtc));
      assertThat(utc.localTimeFlag()).isNull();
      // the same text in New York (EST in winter, EDT from 8 March 2026) lies 4-5 hours later
      Instant inNewYork = parse(text, TimeFormat.HL7_DTM, NEW_YORK).instant();
      assertThat(inNewYork)
          .isEqualTo(
              LocalDateTime.ofInstant(at(expectedUtc), ZoneOffset.UTC)
                  .atZone(NEW_YORK)
                  .toInstant());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
      "2026+0100, 2025-12-31T23:00:00Z",
      "202603+0100, 2026-02-28T23:00:00Z",
      "20260315+0100, 2026-03-14T23:00:00Z",
      "2026031510+0100, 2026-03-15T09:00:00Z",
      "202603151030+0100, 2026-03-15T09:30:00Z",
      "20260315103045+0100, 2026-03-15T09:30:45Z",
      "20260315103045.1+0100, 2026-03-15T09:30:45.100Z",
      "20260315103045.12-0500, 2026-03-15T15:30:45.120Z",
      "20260315103045.123+0000, 2026-03-15T10:30:45.123Z",
      "20260315103045.1234-0330, 2026-03-15T14:00:45.123400Z",
      "20260315103045+0545, 2026-03-15T04:45:45Z"
    })
    void everyPrecisionWithOffset(String text, String expected) throws Exception {
      // The device zone must not matter when the text carries an offset.
      ParsedTime t = parse(text, TimeFormat.HL7_DTM, BERLIN);
      assertThat(t.instant()).isEqualTo(at(expected));
      assertThat(t.localTimeFlag()).isNull();
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "202",
          "20260",
          "2026031510304",
          "202603151030451",
          "20260315.5",
          "20260315103045.",
          "20260315103045.12345",
          "20260315103045.1a",
          "20260315T1030",
          "20260315103045+01",
          "20260315103045+01000",
          "20260315103045+01:00",
          "20261315",
          "20260230",
          "2026031525",
          "202603151060",
          "20260315103045+9900",
          "20260315103045+1900"
        })
    void malformedDtmIsRejected(String text) {
      assertThatThrownBy(() -> parse(text, TimeFormat.HL7_DTM, ZoneOffset.UTC))
          .isInstanceOf(BadTimestampException.class)
          .hasMessageContaining(text);
    }
  }

  @Nested
  class Local {
    @Test
    void isoLocalFormWithoutPattern() throws Exception {
      assertThat(parse("2026-03-15T10:30:00", TimeFormat.LOCAL, BERLIN).instant())
          .isEqualTo(at("2026-03-15T09:30:00Z"));
      assertThat(parse("2026-03-15 10:30:00", TimeFormat.LOCAL, BERLIN).instant())
          .isEqualTo(at("2026-03-15T09:30:00Z"));
    }

    @Test
    void withPattern() throws Exception {
      TimeSpec spec =
          new TimeSpec(TimeFormat.LOCAL, null, DateTimeFormatter.ofPattern("dd.MM.yyyy HH:mm:ss"));
      ParsedTime t = TimestampParser.parse("15.03.2026 10:30:00", spec, BERLIN);
      assertThat(t.instant()).isEqualTo(at("2026-03-15T09:30:00Z"));
      assertThat(t.localTimeFlag()).isNull();
    }

    @Test
    void withPatternAndZoneOfTheSpec() throws Exception {
      TimeSpec spec =
          new TimeSpec(
              TimeFormat.LOCAL,
              NEW_YORK,
              DateTimeFormatter.ofPattern("MM/dd/yyyy hh:mm:ss a", Locale.US));
      assertThat(TimestampParser.parse("03/15/2026 10:30:00 AM", spec, BERLIN).instant())
          .isEqualTo(at("2026-03-15T14:30:00Z"));
    }

    @Test
    void textNotMatchingThePatternIsRejected() {
      TimeSpec spec =
          new TimeSpec(TimeFormat.LOCAL, null, DateTimeFormatter.ofPattern("dd.MM.yyyy HH:mm:ss"));
      assertThatThrownBy(() -> TimestampParser.parse("2026-03-15T10:30:00", spec, BERLIN))
          .isInstanceOf(BadTimestampException.class)
          .hasMessageContaining("2026-03-15T10:30:00");
    }
  }

  @Nested
  class DaylightSaving {
    @ParameterizedTest
    @EnumSource(
        value = TimeFormat.class,
        names = {"AUTO", "ISO", "LOCAL"})
    void berlinGapReadsWithOffsetBeforeTheGap(TimeFormat format) throws Exception {
      // 2026-03-29 02:00 -> 03:00 in Europe/Berlin: 02:30 does not exist; read at +01:00
      ParsedTime t = parse("2026-03-29T02:30:00", format, BERLIN);
      assertThat(t.instant()).isEqualTo(at("2026-03-29T01:30:00Z"));
      assertThat(t.localTimeFlag()).isEqualTo(MeasurementFlag.LOCAL_TIME_IN_GAP);
    }

    @Test
    void berlinGapInHl7Dtm() throws Exception {
      ParsedTime t = parse("20260329023000", TimeFormat.HL7_DTM, BERLIN);
      assertThat(t.instant()).isEqualTo(at("2026-03-29T01:30:00Z"));
      assertThat(t.localTimeFlag()).isEqualTo(MeasurementFlag.LOCAL_TIME_IN_GAP);
    }

    @ParameterizedTest
    @EnumSource(
        value = TimeFormat.class,
        names = {"AUTO", "ISO", "LOCAL"})
    void berlinOverlapReadsWithEarlierOffset(TimeFormat format) throws Exception {
      // 2026-10-25 03:00 -> 02:00 in Europe/Berlin: 02:30 occurs twice; the first is +02:00
      ParsedTime t = parse("2026-10-25T02:30:00", format, BERLIN);
      assertThat(t.instant()).isEqualTo(at("2026-10-25T00:30:00Z"));
      assertThat(t.localTimeFlag()).isEqualTo(MeasurementFlag.LOCAL_TIME_AMBIGUOUS);
    }

    @Test
    void berlinOverlapInHl7Dtm() throws Exception {
      ParsedTime t = parse("202610250230", TimeFormat.HL7_DTM, BERLIN);
      assertThat(t.instant()).isEqualTo(at("2026-10-25T00:30:00Z"));
      assertThat(t.localTimeFlag()).isEqualTo(MeasurementFlag.LOCAL_TIME_AMBIGUOUS);
    }

    @Test
    void newYorkGap() throws Exception {
      // 2026-03-08 02:00 -> 03:00 in America/New_York: 02:30 read at -05:00 (EST)
      ParsedTime t = parse("2026-03-08T02:30:00", TimeFormat.ISO, NEW_YORK);
      assertThat(t.instant()).isEqualTo(at("2026-03-08T07:30:00Z"));
      assertThat(t.localTimeFlag()).isEqualTo(MeasurementFlag.LOCAL_TIME_IN_GAP);
    }

    @Test
    void newYorkOverlap() throws Exception {
      // 2026-11-01 02:00 -> 01:00 in America/New_York: 01:30 read at -04:00 (EDT)
      ParsedTime t = parse("20261101013000", TimeFormat.HL7_DTM, NEW_YORK);
      assertThat(t.instant()).isEqualTo(at("2026-11-01T05:30:00Z"));
      assertThat(t.localTimeFlag()).isEqualTo(MeasurementFlag.LOCAL_TIME_AMBIGUOUS);
    }

    @Test
    void timesJustOutsideTheTransitionsAreNotFlagged() throws Exception {
      assertThat(parse("2026-03-29T01:59:59", TimeFormat.ISO, BERLIN).localTimeFlag()).isNull();
      assertThat(parse("2026-03-29T03:00:00", TimeFormat.ISO, BERLIN).localTimeFlag()).isNull();
      assertThat(parse("2026-10-25T01:59:59", TimeFormat.ISO, BERLIN).localTimeFlag()).isNull();
      assertThat(parse("2026-10-25T03:00:00", TimeFormat.ISO, BERLIN).localTimeFlag()).isNull();
    }

    @Test
    void anExplicitOffsetInsideTheGapIsNotFlagged() throws Exception {
      ParsedTime t = parse("2026-03-29T02:30:00+01:00", TimeFormat.ISO, BERLIN);
      assertThat(t.instant()).isEqualTo(at("2026-03-29T01:30:00Z"));
      assertThat(t.localTimeFlag()).isNull();
    }
  }

  @Nested
  class BadInput {
    @ParameterizedTest
    @EnumSource(TimeFormat.class)
    void garbageIsRejectedInEveryFormat(TimeFormat format) {
      assertThatThrownBy(() -> parse("not a time", format, BERLIN))
          .isInstanceOf(BadTimestampException.class)
          .hasMessageContaining("not a time");
    }

    @ParameterizedTest
    @EnumSource(TimeFormat.class)
    void emptyIsRejectedInEveryFormat(TimeFormat format) {
      assertThatThrownBy(() -> parse("", format, BERLIN)).isInstanceOf(BadTimestampException.class);
      assertThatThrownBy(() -> parse("   ", format, BERLIN))
          .isInstanceOf(BadTimestampException.class);
    }

    @ParameterizedTest
    @CsvSource({
      "2026-13-15T10:30:00Z, ISO",
      "2026-13-15T10:30:00Z, AUTO",
      "20261315103000, HL7_DTM",
      "20261315103000, AUTO",
      "2026-13-15T10:30:00, LOCAL"
    })
    void monthThirteenIsRejected(String text, TimeFormat format) {
      assertThatThrownBy(() -> parse(text, format, BERLIN))
          .isInstanceOf(BadTimestampException.class);
    }

    @ParameterizedTest
    @CsvSource({
      "2026-03-15T10:30:00+99:00, ISO",
      "2026-03-15T10:30:00+99, ISO",
      "2026-03-15T10:30:00+9900, AUTO",
      "2026-03-15T10:30:00+19:00, ISO",
      "20260315103000+9900, HL7_DTM",
      "20260315103000+9900, AUTO"
    })
    void impossibleOffsetIsRejected(String text, TimeFormat format) {
      // never silently read as a local time in the device zone
      assertThatThrownBy(() -> parse(text, format, BERLIN))
          .isInstanceOf(BadTimestampException.class);
    }

    @ParameterizedTest
    @CsvSource({
      "2026-03-15T10:30:00, ISO",
      "2026-03-15T10:30:00, AUTO",
      "20260315103000, HL7_DTM",
      "20260315103000, AUTO",
      "2026-03-15T10:30:00, LOCAL"
    })
    void localTimeWithoutAnyZoneIsRejected(String text, TimeFormat format) {
      assertThatThrownBy(() -> parse(text, format, null))
          .isInstanceOf(BadTimestampException.class)
          .hasMessageContaining("no zone");
    }

    @ParameterizedTest
    @CsvSource({"12ab, EPOCH", "1.2.3, EPOCH_SECONDS", "17735706001x3, EPOCH_MILLIS"})
    void nonNumericEpochIsRejected(String text, TimeFormat format) {
      assertThatThrownBy(() -> parse(text, format, null))
          .isInstanceOf(BadTimestampException.class)
          .hasMessageContaining(text);
    }

    @Test
    void epochBeyondInstantRangeIsRejected() {
      assertThatThrownBy(() -> parse("1e30", TimeFormat.EPOCH_SECONDS, null))
          .isInstanceOf(BadTimestampException.class);
    }
  }

  @Nested
  class FormatNames {
    @ParameterizedTest
    @CsvSource({
      "auto, AUTO",
      "epoch, EPOCH",
      "epoch-s, EPOCH_SECONDS",
      "unix, EPOCH_SECONDS",
      "epoch-ms, EPOCH_MILLIS",
      "EPOCH_MILLIS, EPOCH_MILLIS",
      "unix-ms, EPOCH_MILLIS",
      "iso, ISO",
      "iso-8601, ISO",
      "hl7, HL7_DTM",
      "dtm, HL7_DTM",
      "' Local ', LOCAL"
    })
    void templateNamesParse(String name, TimeFormat expected) {
      assertThat(TimeFormat.parse(name)).isEqualTo(expected);
    }

    @Test
    void unknownNameListsTheKnownOnes() {
      assertThatThrownBy(() -> TimeFormat.parse("epoch-nanos"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("epoch-nanos")
          .hasMessageContaining("epoch-ms");
    }
  }
}
