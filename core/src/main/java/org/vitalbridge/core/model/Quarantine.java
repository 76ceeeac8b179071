package org.vitalbridge.core.model;

import java.util.Objects;

/**
 * A rejected message kept with its reason: the raw message id points at the bytes as received.
 *
 * @param stage pipeline stage that rejected it, e.g. {@code decode}, {@code harmonize}
 */
public record Quarantine(String rawMessageId, String stage, Rejection rejection) {
  public Quarantine {
    Objects.requireNonNull(rawMessageId, "rawMessageId");
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(rejection, "rejection");
  }
}
