package org.vitalbridge.store;

/** What a retention run removed and what remains. */
public record PurgeReport(long rawPurged, long measurementsPurged, StoreUsage after) {}
