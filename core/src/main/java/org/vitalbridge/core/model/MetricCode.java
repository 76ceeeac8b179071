package org.vitalbridge.core.model;

import java.util.Objects;

/**
 * What was measured: an IEEE 11073-10101 (MDC) code with its reference id, and the LOINC code where
 * one exists.
 *
 * @param mdc 32-bit MDC code (partition × 65536 + term code)
 * @param refId MDC reference id, e.g. {@code MDC_PULS_OXIM_SAT_O2}
 * @param loinc LOINC code, or {@code null} where none exists (waveforms, device-only metrics)
 * @param display human-readable name
 */
public record MetricCode(int mdc, String refId, String loinc, String display) {
  public MetricCode {
    if (mdc <= 0) {
      throw new IllegalArgumentException("MDC code must be positive: " + mdc);
    }
    Objects.requireNonNull(refId, "refId");
    Objects.requireNonNull(display, "display");
  }

  public int partition() {
    return mdc >>> 16;
  }

  public int termCode() {
    return mdc & 0xFFFF;
  }
}
