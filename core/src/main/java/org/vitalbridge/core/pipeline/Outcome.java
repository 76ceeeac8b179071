package org.vitalbridge.core.pipeline;

import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.core.model.Rejection;

/** One result of processing a message: a measurement, or a rejection at a named stage. */
public sealed interface Outcome {
  record Accepted(Measurement measurement) implements Outcome {}

  /**
   * @param stage {@code decode} (the payload as a whole) or {@code harmonize} (one reading)
   */
  record Rejected(String stage, Rejection rejection) implements Outcome {}
}
