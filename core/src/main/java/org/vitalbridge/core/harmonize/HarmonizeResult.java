package org.vitalbridge.core.harmonize;

import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.core.model.Rejection;

/** What harmonizing one reading gave: a measurement or a rejection. */
public sealed interface HarmonizeResult {
  record Accepted(Measurement measurement) implements HarmonizeResult {}

  record Rejected(Rejection rejection) implements HarmonizeResult {}
}
