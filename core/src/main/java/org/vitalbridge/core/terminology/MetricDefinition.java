package org.vitalbridge.core.terminology;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import org.vitalbridge.core.model.MetricCode;

/**
 * One canonical metric: its codes, canonical UCUM unit, plausible range and vendor synonyms.
 *
 * @param molarMass g/mol for substance/mass concentration conversion, or {@code null}
 * @param alsoCodes other MDC codes or reference ids feeds use for this metric
 */
public record MetricDefinition(
    String key,
    MetricCode code,
    List<String> alsoLoinc,
    String unit,
    BigDecimal min,
    BigDecimal max,
    BigDecimal molarMass,
    List<String> synonyms,
    List<String> alsoCodes) {

  public MetricDefinition {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(unit, "unit");
    alsoLoinc = List.copyOf(alsoLoinc);
    synonyms = List.copyOf(synonyms);
    alsoCodes = List.copyOf(alsoCodes);
    if (min != null && max != null && min.compareTo(max) > 0) {
      throw new IllegalArgumentException(key + ": range min " + min + " is above max " + max);
    }
  }

  /** Whether {@code value} (in the canonical unit) lies inside the plausible range. */
  public boolean inRange(BigDecimal value) {
    return (min == null || value.compareTo(min) >= 0) && (max == null || value.compareTo(max) <= 0);
  }

  public String rangeText() {
    return (min == null ? "-∞" : min.toPlainString())
        + "–"
        + (max == null ? "∞" : max.toPlainString())
        + " "
        + unit;
  }
}
