package org.vitalbridge.store;

import java.time.Instant;

/** A rejection kept with a pointer to the raw message (bytes, source) it came from. */
public record QuarantineEntry(
    long seq,
    long rawSeq,
    String rawId,
    String stage,
    String reason,
    String field,
    String detail,
    Instant createdAt,
    Instant resolvedAt) {}
