package org.vitalbridge.store;

import java.time.Instant;

/** One row of the audit chain: its position, time, what it says and its links. */
public record AuditEntry(long seq, Instant at, AuditEvent event, String prevHash, String hash) {}
