package org.vitalbridge.core.model;

import java.util.Objects;

/**
 * Why something was not accepted.
 *
 * @param reason machine-readable reason
 * @param field the offending field (a name or a JSONPath), or {@code null} for the whole message
 * @param detail human-readable message naming the offending value
 */
public record Rejection(RejectionReason reason, String field, String detail) {
  public Rejection {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
  }
}
