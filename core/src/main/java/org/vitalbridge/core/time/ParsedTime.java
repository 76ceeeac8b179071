package org.vitalbridge.core.time;

import java.time.Instant;
import java.util.Objects;
import org.vitalbridge.core.model.MeasurementFlag;

/**
 * A timestamp resolved to UTC.
 *
 * @param localTimeFlag set when a local time fell in a DST gap or overlap, else {@code null}
 */
public record ParsedTime(Instant instant, MeasurementFlag localTimeFlag) {
  public ParsedTime {
    Objects.requireNonNull(instant, "instant");
  }
}
