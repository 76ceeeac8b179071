package org.vitalbridge.store;

/** One measurement waiting for (or delivered to) one destination. */
public record OutboxEntry(
    long seq, String destination, StoredMeasurement measurement, int attempts) {}
