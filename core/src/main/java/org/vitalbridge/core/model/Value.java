package org.vitalbridge.core.model;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * The value of a measurement: a quantity, a code, free text or a sampled series (waveform); {@link
 * Absent} only in a retraction that names no value.
 */
public sealed interface Value {

  /** The form that goes into the deterministic id: equal values give equal keys. */
  String canonicalKey();

  /** A number with a UCUM unit. Trailing zeros are dropped so that 97 and 97.0 are one value. */
  record Quantity(BigDecimal number, String unit) implements Value {
    public Quantity {
      Objects.requireNonNull(number, "number");
      Objects.requireNonNull(unit, "unit");
      number = canonical(number);
    }

    /** No trailing zeros and never an exponent: 120.0 and 1.2E+2 both become 120. */
    private static BigDecimal canonical(BigDecimal n) {
      if (n.signum() == 0) {
        return BigDecimal.ZERO;
      }
      BigDecimal stripped = n.stripTrailingZeros();
      return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    @Override
    public String canonicalKey() {
      return number.toPlainString() + ' ' + unit;
    }
  }

  /** A coded value, e.g. an alarm state or a device mode. */
  record Coded(String system, String code, String display) implements Value {
    public Coded {
      Objects.requireNonNull(system, "system");
      Objects.requireNonNull(code, "code");
    }

    @Override
    public String canonicalKey() {
      return system + '|' + code;
    }
  }

  /** Free text a device reports. */
  record Text(String text) implements Value {
    public Text {
      Objects.requireNonNull(text, "text");
    }

    @Override
    public String canonicalKey() {
      return "text:" + text;
    }
  }

  /**
   * A waveform strip: sample {@code i} is {@code origin + factor × data[i]} in {@code unit}, taken
   * {@code periodMillis × i} after the observation time (the FHIR SampledData shape).
   */
  record SampledSeries(
      BigDecimal origin, BigDecimal periodMillis, BigDecimal factor, String unit, List<Long> data)
      implements Value {
    public SampledSeries {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(periodMillis, "periodMillis");
      Objects.requireNonNull(factor, "factor");
      Objects.requireNonNull(unit, "unit");
      data = List.copyOf(data);
      if (periodMillis.signum() <= 0) {
        throw new IllegalArgumentException("sampling period must be positive");
      }
    }

    @Override
    public String canonicalKey() {
      return "series:"
          + origin.stripTrailingZeros().toPlainString()
          + '/'
          + periodMillis.stripTrailingZeros().toPlainString()
          + '/'
          + factor.stripTrailingZeros().toPlainString()
          + ' '
          + unit
          + data;
    }

    /**
     * The series back from its {@link #canonicalKey()} (how a store keeps it): {@code
     * series:origin/period/factor unit[d0, d1, …]}. Equal to the original up to trailing zeros.
     *
     * @throws IllegalArgumentException when {@code key} is not such a key
     */
    public static SampledSeries parse(String key) {
      try {
        if (!key.startsWith("series:")) {
          throw new IllegalArgumentException("not a series key");
        }
        int space = key.indexOf(' ');
        int open = key.lastIndexOf('[');
        if (space < 0 || open < space || !key.endsWith("]")) {
          throw new IllegalArgumentException("no unit and data");
        }
        String[] head = key.substring("series:".length(), space).split("/", -1);
        if (head.length != 3) {
          throw new IllegalArgumentException("origin/period/factor expected");
        }
        String body = key.substring(open + 1, key.length() - 1).strip();
        List<Long> data = new java.util.ArrayList<>();
        if (!body.isEmpty()) {
          for (String d : body.split(",")) {
            data.add(Long.parseLong(d.strip()));
          }
        }
        return new SampledSeries(
            new BigDecimal(head[0]),
            new BigDecimal(head[1]),
            new BigDecimal(head[2]),
            key.substring(space + 1, open),
            data);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a sampled series key: " + e.getMessage(), e);
      }
    }
  }

  /**
   * No value: a retraction (status {@link MeasurementStatus#ENTERED_IN_ERROR}) whose row carried
   * none, e.g. an HL7 OBX-11 D row with an empty OBX-5. It retracts every measurement of its
   * device, metric and time; nothing is ever stored with it.
   */
  record Absent() implements Value {
    @Override
    public String canonicalKey() {
      return "absent";
    }
  }
}
