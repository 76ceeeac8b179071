package org.vitalbridge.store;

import java.time.Instant;

/** Aggregate of one metric over one interval. */
public record TrendBucket(Instant start, long count, double avg, double min, double max) {}
