package org.vitalbridge.core.harmonize;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.vitalbridge.core.model.DeviceId;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.core.model.MeasurementFlag;
import org.vitalbridge.core.model.MeasurementStatus;
import org.vitalbridge.core.model.Provenance;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;
import org.vitalbridge.core.model.Value;
import org.vitalbridge.core.terminology.MetricDefinition;
import org.vitalbridge.core.terminology.Terminology;
import org.vitalbridge.core.time.BadTimestampException;
import org.vitalbridge.core.time.ParsedTime;
import org.vitalbridge.core.time.TimeSpec;
import org.vitalbridge.core.time.TimestampParser;
import org.vitalbridge.core.units.UnitException;
import org.vitalbridge.core.units.UnitResolver;

/**
 * Turns a {@link DeviceReading} in the device's words into a canonical {@link Measurement}: label
 * to metric code, unit to the canonical UCUM unit with the value converted, time to a UTC instant,
 * then validation against the plausible range. A reading the decoder already read as a code or text
 * ({@link DeviceReading#preset()}) keeps that value: only label and time are resolved. The
 * reading's result status carries over; a retraction ({@link MeasurementStatus#ENTERED_IN_ERROR})
 * without a value gets {@link Value.Absent}. Anything it cannot do faithfully is a rejection naming
 * the field and the value — never a guess.
 */
public final class Harmonizer {
  private final Terminology terminology;
  private final UnitResolver units;
  private final HarmonizerSettings settings;

  /**
   * The last timestamp parsed: readings of one message usually share it. Immutable, so racy reads
   * and writes from several threads are benign (at worst a miss).
   */
  private LastTime lastTime;

  private record LastTime(String text, TimeSpec spec, ZoneId zone, ParsedTime parsed) {
    boolean matches(String t, TimeSpec s, ZoneId z) {
      return text.equals(t) && spec.equals(s) && java.util.Objects.equals(zone, z);
    }
  }

  public Harmonizer(Terminology terminology, UnitResolver units, HarmonizerSettings settings) {
    for (MetricDefinition d : terminology.definitions()) {
      if (!units.ucum().isValid(d.unit())) {
        throw new org.vitalbridge.core.ConfigurationException(
            "metric '" + d.key() + "': canonical unit '" + d.unit() + "' is not valid UCUM");
      }
    }
    this.terminology = terminology;
    this.units = units;
    this.settings = settings;
  }

  public HarmonizeResult harmonize(DeviceReading r, Instant receivedAt, Provenance provenance) {
    DeviceReading.Fields f = r.fields();
    if (isBlank(r.device())) {
      return reject(RejectionReason.MISSING_FIELD, f.device(), "no device id in " + f.device());
    }
    if (isBlank(r.label())) {
      return reject(RejectionReason.MISSING_FIELD, f.label(), "no metric label in " + f.label());
    }
    List<MetricDefinition> candidates = terminology.candidates(r.label());
    if (candidates.isEmpty()) {
      return reject(
          RejectionReason.UNKNOWN_METRIC,
          f.label(),
          "'" + r.label() + "' is not a known metric label, MDC reference id or MDC code");
    }
    if (r.preset() instanceof Value.SampledSeries series) {
      return acceptSeries(r, candidates, series, receivedAt, provenance);
    }
    if (r.preset() != null) {
      // A code or text the decoder already read: no number, unit or range to check.
      return accept(r, candidates.get(0), r.preset(), receivedAt, provenance);
    }
    if (isBlank(r.value()) && r.status() == MeasurementStatus.ENTERED_IN_ERROR) {
      // A retraction without a value names the measurements by device, metric and time alone.
      return accept(r, candidates.get(0), new Value.Absent(), receivedAt, provenance);
    }
    if (isBlank(r.value())) {
      return reject(RejectionReason.MISSING_FIELD, f.value(), "no value for " + r.label());
    }
    BigDecimal number = parseNumber(r.value());
    if (number == null) {
      return reject(
          RejectionReason.NOT_NUMERIC,
          f.value(),
          "value '" + r.value() + "' for " + r.label() + " is not a number");
    }
    if (isBlank(r.unit())) {
      return reject(RejectionReason.MISSING_FIELD, f.unit(), "no unit for " + r.label());
    }
    String ucum;
    try {
      ucum = units.toUcum(r.unit());
    } catch (UnitException e) {
      return reject(RejectionReason.UNIT_UNKNOWN, f.unit(), e.getMessage());
    }
    MetricDefinition metric = null;
    BigDecimal converted = null;
    UnitException firstFailure = null;
    for (MetricDefinition candidate : candidates) {
      try {
        converted = convert(number, ucum, candidate);
        metric = candidate;
        break;
      } catch (UnitException e) {
        if (firstFailure == null) {
          firstFailure = e;
        }
      }
    }
    if (metric == null) {
      RejectionReason reason =
          firstFailure.kind() == UnitException.Kind.UNKNOWN
              ? RejectionReason.UNIT_UNKNOWN
              : RejectionReason.UNIT_INCOMPATIBLE;
      return reject(
          reason,
          f.unit(),
          "unit '"
              + r.unit()
              + "' of "
              + r.label()
              + " does not convert to "
              + candidates.get(0).unit()
              + " ("
              + firstFailure.getMessage()
              + ")");
    }
    if (!metric.inRange(converted)) {
      return reject(
          RejectionReason.OUT_OF_RANGE,
          f.value(),
          converted.toPlainString()
              + " "
              + metric.unit()
              + " for "
              + metric.code().refId()
              + " is outside the plausible range "
              + metric.rangeText());
    }
    return accept(r, metric, new Value.Quantity(converted, metric.unit()), receivedAt, provenance);
  }

  /**
   * A waveform strip the decoder already read: its unit is resolved to UCUM and the series is
   * rescaled to the metric's canonical unit (origin and factor only: the samples stay as sent). No
   * plausible range is applied to a strip.
   */
  private HarmonizeResult acceptSeries(
      DeviceReading r,
      List<MetricDefinition> candidates,
      Value.SampledSeries s,
      Instant receivedAt,
      Provenance provenance) {
    DeviceReading.Fields f = r.fields();
    String ucum;
    try {
      ucum = units.toUcum(s.unit());
    } catch (UnitException e) {
      return reject(RejectionReason.UNIT_UNKNOWN, f.unit(), e.getMessage());
    }
    UnitException firstFailure = null;
    for (MetricDefinition metric : candidates) {
      if (ucum.equals(metric.unit())) {
        return accept(
            r,
            metric,
            new Value.SampledSeries(s.origin(), s.periodMillis(), s.factor(), ucum, s.data()),
            receivedAt,
            provenance);
      }
      try {
        // value = o + k·x is linear (affine for temperatures): origin' = o + k·origin, factor' =
        // k·factor.
        BigDecimal o = units.ucum().convert(BigDecimal.ZERO, ucum, metric.unit(), null);
        BigDecimal k = units.ucum().convert(BigDecimal.ONE, ucum, metric.unit(), null).subtract(o);
        MathContext mc = new MathContext(12, RoundingMode.HALF_EVEN);
        return accept(
            r,
            metric,
            new Value.SampledSeries(
                o.add(k.multiply(s.origin())).round(mc).stripTrailingZeros(),
                s.periodMillis(),
                k.multiply(s.factor()).round(mc).stripTrailingZeros(),
                metric.unit(),
                s.data()),
            receivedAt,
            provenance);
      } catch (UnitException e) {
        if (firstFailure == null) {
          firstFailure = e;
        }
      }
    }
    return reject(
        firstFailure.kind() == UnitException.Kind.UNKNOWN
            ? RejectionReason.UNIT_UNKNOWN
            : RejectionReason.UNIT_INCOMPATIBLE,
        f.unit(),
        "unit '"
            + s.unit()
            + "' of the waveform "
            + r.label()
            + " does not convert to "
            + candidates.get(0).unit()
            + " ("
            + firstFailure.getMessage()
            + ")");
  }

  /** Resolves the time and builds the measurement (or rejects a bad timestamp). */
  private HarmonizeResult accept(
      DeviceReading r,
      MetricDefinition metric,
      Value value,
      Instant receivedAt,
      Provenance provenance) {
    DeviceReading.Fields f = r.fields();
    Set<MeasurementFlag> flags = EnumSet.noneOf(MeasurementFlag.class);
    flags.addAll(r.deviceFlags());
    Instant observedAt;
    if (isBlank(r.timestamp())) {
      observedAt = receivedAt;
      flags.add(MeasurementFlag.TIME_FROM_RECEIPT);
    } else {
      try {
        ZoneId zone = settings.zoneFor(r.device());
        LastTime last = lastTime;
        ParsedTime t;
        if (last != null && last.matches(r.timestamp(), r.timeSpec(), zone)) {
          t = last.parsed();
        } else {
          t = TimestampParser.parse(r.timestamp(), r.timeSpec(), zone);
          lastTime = new LastTime(r.timestamp(), r.timeSpec(), zone, t);
        }
        observedAt = t.instant();
        if (t.localTimeFlag() != null) {
          flags.add(t.localTimeFlag());
        }
      } catch (BadTimestampException e) {
        return reject(RejectionReason.BAD_TIMESTAMP, f.timestamp(), e.getMessage());
      }
      if (observedAt.isAfter(receivedAt.plus(settings.futureTolerance()))) {
        flags.add(MeasurementFlag.FUTURE_TIMESTAMP);
      }
    }
    DeviceId device = new DeviceId(r.device());
    return new HarmonizeResult.Accepted(
        new Measurement(
            MeasurementIds.of(device, metric.code(), observedAt, value),
            device,
            isBlank(r.subject()) ? null : r.subject().strip(),
            r.location(),
            metric.code(),
            value,
            observedAt,
            receivedAt,
            r.status(),
            flags,
            provenance,
            r.containment()));
  }

  private BigDecimal convert(BigDecimal number, String ucum, MetricDefinition metric)
      throws UnitException {
    if (ucum.equals(metric.unit())) {
      return number;
    }
    BigDecimal raw = units.ucum().convert(number, ucum, metric.unit(), metric.molarMass());
    return roundLike(raw, number);
  }

  /** Keeps two significant digits more than the device sent (at least four): no false precision. */
  private static BigDecimal roundLike(BigDecimal converted, BigDecimal original) {
    int digits = Math.min(12, Math.max(4, original.stripTrailingZeros().precision() + 2));
    BigDecimal rounded = converted.round(new MathContext(digits, RoundingMode.HALF_EVEN));
    return rounded.signum() == 0 ? BigDecimal.ZERO : rounded.stripTrailingZeros();
  }

  /** A plain decimal number; "NaN", "---", "2047"-style specials must be mapped by the decoder. */
  static BigDecimal parseNumber(String text) {
    String t = text.strip();
    int n = t.length();
    if (n == 0 || n > 40) {
      return null;
    }
    for (int i = 0; i < n; i++) {
      char c = t.charAt(i);
      boolean ok =
          (c >= '0' && c <= '9')
              || c == '.'
              || ((c == '-' || c == '+') && i == 0)
              || c == 'e'
              || c == 'E'
              || ((c == '-' || c == '+') && i > 0 && (t.charAt(i - 1) | 0x20) == 'e');
      if (!ok) {
        return null;
      }
    }
    try {
      BigDecimal value = new BigDecimal(t);
      return value.abs().compareTo(BigDecimal.valueOf(1_000_000_000_000L)) > 0 ? null : value;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  private static HarmonizeResult reject(RejectionReason reason, String field, String detail) {
    return new HarmonizeResult.Rejected(new Rejection(reason, field, detail));
  }
}
