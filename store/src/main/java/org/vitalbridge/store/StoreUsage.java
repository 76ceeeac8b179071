package org.vitalbridge.store;

/**
 * How much the store holds.
 *
 * @param fileBytes bytes on disk for SQLite (file + WAL), -1 for PostgreSQL
 * @param overCap raw messages exceed a cap but none can be purged yet (undelivered or quarantined)
 */
public record StoreUsage(
    long rawCount,
    long rawBytes,
    long measurementCount,
    long openQuarantine,
    long pendingOutbox,
    long fileBytes,
    boolean overCap) {}
