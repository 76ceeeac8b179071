package org.vitalbridge.store;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import org.vitalbridge.core.model.Containment;
import org.vitalbridge.core.model.DeviceId;
import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.core.model.MeasurementFlag;
import org.vitalbridge.core.model.MeasurementStatus;
import org.vitalbridge.core.model.MetricCode;
import org.vitalbridge.core.model.Provenance;
import org.vitalbridge.core.model.Value;

/**
 * A measurement as stored, flat, for queries and delivery.
 *
 * @param value the exact canonical value: the number of a quantity, {@code system|code} of a coded
 *     value, the text of a text value
 * @param valueDisplay the display text of a coded value, else {@code null}
 */
public record StoredMeasurement(
    UUID id,
    String device,
    String subject,
    String location,
    int mdc,
    String refId,
    String loinc,
    String display,
    String valueKind,
    String value,
    String unit,
    Instant observedAt,
    Instant receivedAt,
    String status,
    String flags,
    String rawId,
    String mapping,
    String containment,
    String valueDisplay) {

  /** {@link Value.Text#canonicalKey()} is the text after this prefix. */
  private static final String TEXT_PREFIX = "text:";

  /**
   * A coded value is stored as {@link Value.Coded#canonicalKey()}, {@code system|code}, with its
   * display beside it. A value without a bar comes back as text.
   */
  private static Value coded(String key, String display) {
    int bar = key.indexOf('|');
    return bar > 0
        ? new Value.Coded(key.substring(0, bar), key.substring(bar + 1), display)
        : new Value.Text(key);
  }

  /** Back to the canonical model, for connectors that map measurements (FHIR, HL7). */
  public Measurement toMeasurement() {
    Value v =
        switch (valueKind) {
          case "quantity" -> new Value.Quantity(new BigDecimal(value), unit);
          case "coded" -> coded(value, valueDisplay);
          case "text" ->
              new Value.Text(
                  value.startsWith(TEXT_PREFIX) ? value.substring(TEXT_PREFIX.length()) : value);
          case "series" -> Value.SampledSeries.parse(value);
          default -> new Value.Text(value);
        };
    Set<MeasurementFlag> flagSet = EnumSet.noneOf(MeasurementFlag.class);
    for (String code : flags.split(",")) {
      for (MeasurementFlag f : MeasurementFlag.values()) {
        if (f.code().equals(code)) {
          flagSet.add(f);
        }
      }
    }
    MeasurementStatus s = MeasurementStatus.ofCode(status);
    return new Measurement(
        id,
        new DeviceId(device),
        subject,
        location,
        new MetricCode(mdc, refId, loinc, display),
        v,
        observedAt,
        receivedAt,
        s,
        flagSet,
        new Provenance(rawId, null, mapping),
        Containment.decode(containment));
  }
}
