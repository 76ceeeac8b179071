package org.vitalbridge.core.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.vitalbridge.core.model.MeasurementFlag;

/** Round trips of generated instants through every timestamp format. */
class TimestampPropertiesTest {

  private static final Instant MIN = Instant.parse("1970-01-01T00:00:00Z");
  private static final Instant MAX = Instant.parse("2200-01-01T00:00:00Z");

  /** Zones with DST gaps and overlaps of different sizes, half-hour offsets and no DST at all. */
  private static final List<String> ZONES =
      List.of(
          "Europe/Berlin",
          "Europe/London",
          "America/New_York",
          "America/Sao_Paulo",
          "America/St_Johns",
          "Australia/Sydney",
          "Australia/Lord_Howe",
          "Pacific/Chatham",
          "Pacific/Apia",
          "Asia/Kolkata",
          "Asia/Tokyo",
          "Africa/Casablanca",
          "UTC");

  private static final DateTimeFormatter HL7_SECONDS =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmssxx");

  @Provide
  Arbitrary<Instant> instants() {
    return Combinators.combine(
            Arbitraries.longs().between(MIN.getEpochSecond(), MAX.getEpochSecond()),
            Arbitraries.integers().between(0, 999_999_999))
        .as(Instant::ofEpochSecond)
        .edgeCases(c -> c.includeOnly(MIN, MAX));
  }

  @Provide
  Arbitrary<ZoneId> zones() {
    return Arbitraries.of(ZONES).map(ZoneId::of);
  }

  /** Offsets from -12:00 to +14:00 in quarter hours, as real zones use. */
  @Provide
  Arbitrary<ZoneOffset> offsets() {
    return Arbitraries.integers()
        .between(-12 * 4, 14 * 4)
        .map(q -> ZoneOffset.ofTotalSeconds(q * 15 * 60));
  }

  @Property
  void epochSecondsRoundTrip(@ForAll("instants") Instant instant) throws Exception {
    String seconds =
        BigDecimal.valueOf(instant.getEpochSecond())
            .add(BigDecimal.valueOf(instant.getNano(), 9))
            .toPlainString();
    assertThat(TimestampParser.parse(seconds, TimeSpec.of(TimeFormat.EPOCH_SECONDS), null))
        .isEqualTo(new ParsedTime(instant, null));
    // below 10^11 the magnitude rule reads seconds too
    assertThat(TimestampParser.parse(seconds, TimeSpec.of(TimeFormat.EPOCH), null).instant())
        .isEqualTo(instant);
  }

  @Property
  void epochMillisRoundTrip(@ForAll("instants") Instant any) throws Exception {
    Instant instant = any.truncatedTo(ChronoUnit.MILLIS);
    String millis = Long.toString(instant.toEpochMilli());
    assertThat(TimestampParser.parse(millis, TimeSpec.of(TimeFormat.EPOCH_MILLIS), null))
        .isEqualTo(new ParsedTime(instant, null));
    if (instant.toEpochMilli() >= 100_000_000_000L) {
      assertThat(TimestampParser.parse(millis, TimeSpec.of(TimeFormat.EPOCH), null).instant())
          .isEqualTo(instant);
    }
    if (millis.length() == 13) {
      assertThat(TimestampParser.parse(millis, TimeSpec.AUTO, null).instant()).isEqualTo(instant);
    }
  }

  @Property
  void isoRoundTrip(@ForAll("instants") Instant instant) throws Exception {
    String iso = instant.toString();
    assertThat(TimestampParser.parse(iso, TimeSpec.of(TimeFormat.ISO), null))
        .isEqualTo(new ParsedTime(instant, null));
    assertThat(TimestampParser.parse(iso, TimeSpec.AUTO, null).instant()).isEqualTo(instant);
  }

  @Property
  void isoWithOffsetRoundTrip(
      @ForAll("instants") Instant instant, @ForAll("offsets") ZoneOffset offset) throws Exception {
    String iso = instant.atOffset(offset).toString();
    assertThat(TimestampParser.parse(iso, TimeSpec.of(TimeFormat.ISO), ZoneId.of("Asia/Tokyo")))
        .isEqualTo(new ParsedTime(instant, null));
  }

  @Property
  void hl7DtmWithOffsetRoundTripsToTheSecond(
      @ForAll("instants") Instant instant, @ForAll("offsets") ZoneOffset offset) throws Exception {
    String dtm = HL7_SECONDS.format(instant.atOffset(offset));
    ParsedTime parsed =
        TimestampParser.parse(dtm, TimeSpec.of(TimeFormat.HL7_DTM), ZoneId.of("Europe/Berlin"));
    assertThat(parsed).isEqualTo(new ParsedTime(instant.truncatedTo(ChronoUnit.SECONDS), null));
    assertThat(TimestampParser.parse(dtm, TimeSpec.AUTO, null).instant())
        .isEqualTo(parsed.instant());
  }

  @Property
  void hl7DtmWithFractionRoundTripsToTheTenthMillisecond(
      @ForAll("instants") Instant instant, @ForAll("offsets") ZoneOffset offset) throws Exception {
    String dtm =
        DateTimeFormatter.ofPattern("yyyyMMddHHmmss.SSSSxx").format(instant.atOffset(offset));
    Instant expected =
        instant.truncatedTo(ChronoUnit.SECONDS).plusNanos(instant.getNano() / 100_000 * 100_000L);
    assertThat(TimestampParser.parse(dtm, TimeSpec.of(TimeFormat.HL7_DTM), null).instant())
        .isEqualTo(expected);
  }

  /**
   * A local time written from a real instant is never in a gap; in an overlap it is read with the
   * earlier offset and flagged, so it is the original instant or one overlap length earlier.
   */
  @Property
  void localTimeOfAnInstantParsesBack(
      @ForAll("instants") Instant instant, @ForAll("zones") ZoneId zone) throws Exception {
    LocalDateTime local = LocalDateTime.ofInstant(instant, zone);
    ParsedTime parsed =
        TimestampParser.parse(local.toString(), TimeSpec.of(TimeFormat.LOCAL), zone);
    List<ZoneOffset> valid = zone.getRules().getValidOffsets(local);
    if (valid.size() == 1) {
      assertThat(parsed).isEqualTo(new ParsedTime(instant, null));
    } else {
      assertThat(valid).hasSize(2);
      assertThat(parsed.localTimeFlag()).isEqualTo(MeasurementFlag.LOCAL_TIME_AMBIGUOUS);
      assertThat(parsed.instant()).isEqualTo(local.toInstant(valid.get(0)));
      assertThat(parsed.instant()).isIn(instant, local.toInstant(valid.get(1)));
    }
    // the same text with the zone in the spec instead of the device zone
    assertThat(
            TimestampParser.parse(
                local.toString(), new TimeSpec(TimeFormat.ISO, zone, null), ZoneOffset.UTC))
        .isEqualTo(parsed);
  }

  /** Local times chosen around real transitions, so that gaps and overlaps are actually hit. */
  @Property(tries = 2000)
  void localTimeNearATransition(
      @ForAll("zones") ZoneId zone,
      @ForAll("instants") Instant around,
      @ForAll("minutesAroundTransition") int minutes)
      throws Exception {
    ZoneRules rules = zone.getRules();
    ZoneOffsetTransition transition = rules.nextTransition(around);
    LocalDateTime local =
        transition == null || transition.getInstant().isAfter(MAX)
            ? LocalDateTime.ofInstant(around, zone)
            : transition.getDateTimeBefore().plusMinutes(minutes);
    ParsedTime parsed =
        TimestampParser.parse(local.toString(), TimeSpec.of(TimeFormat.LOCAL), zone);
    List<ZoneOffset> valid = rules.getValidOffsets(local);
    String kind;
    if (valid.isEmpty()) {
      kind = "gap";
      ZoneOffset before = rules.getTransition(local).getOffsetBefore();
      assertThat(parsed.localTimeFlag()).isEqualTo(MeasurementFlag.LOCAL_TIME_IN_GAP);
      assertThat(parsed.instant()).isEqualTo(local.toInstant(before));
    } else if (valid.size() == 2) {
      kind = "overlap";
      assertThat(parsed.localTimeFlag()).isEqualTo(MeasurementFlag.LOCAL_TIME_AMBIGUOUS);
      assertThat(parsed.instant())
          .isEqualTo(local.atZone(zone).withEarlierOffsetAtOverlap().toInstant());
    } else {
      kind = "normal";
      assertThat(parsed).isEqualTo(new ParsedTime(local.atZone(zone).toInstant(), null));
    }
    Statistics.label("kind")
        .collect(kind)
        .coverage(
            c -> {
              c.check("gap").count(n -> n > 0);
              c.check("overlap").count(n -> n > 0);
            });
  }

  @Provide
  Arbitrary<Integer> minutesAroundTransition() {
    return Arbitraries.integers().between(-90, 90);
  }
}
