package org.vitalbridge.store;

import java.time.Instant;
import java.util.UUID;

/** A measurement as stored, flat, for queries and delivery. */
public record StoredMeasurement(
    UUID id,
    String device,
    String subject,
    String location,
    int mdc,
    String refId,
    String loinc,
    String display,
    String valueKind,
    String value,
    String unit,
    Instant observedAt,
    Instant receivedAt,
    String status,
    String flags,
    String rawId,
    String mapping) {}
