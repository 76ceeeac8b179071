package org.vitalbridge.store;

import java.time.Instant;

/**
 * A rejection kept with a pointer to the raw message (bytes, source) it came from.
 *
 * @param resolution {@code null} while open; {@link Quarantine#REPROCESSED} when a later run of its
 *     message superseded it, {@link Quarantine#DISCARDED} when an operator gave it up
 * @param resolutionNote the operator's reason for a discard, else {@code null}
 */
public record QuarantineEntry(
    long seq,
    long rawSeq,
    String rawId,
    String stage,
    String reason,
    String field,
    String detail,
    Instant createdAt,
    Instant resolvedAt,
    String resolution,
    String resolutionNote) {

  /** An entry as the pipeline writes it (open, or resolved without a recorded resolution). */
  public QuarantineEntry(
      long seq,
      long rawSeq,
      String rawId,
      String stage,
      String reason,
      String field,
      String detail,
      Instant createdAt,
      Instant resolvedAt) {
    this(seq, rawSeq, rawId, stage, reason, field, detail, createdAt, resolvedAt, null, null);
  }

  public boolean isOpen() {
    return resolvedAt == null;
  }
}
