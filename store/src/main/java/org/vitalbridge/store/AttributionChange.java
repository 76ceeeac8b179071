package org.vitalbridge.store;

import java.time.Instant;
import java.util.UUID;

/**
 * One change of a measurement's patient by re-attribution.
 *
 * @param previousSubject {@code null} when it had no patient
 * @param subject {@code null} when it has none any more (its association was cancelled)
 * @param cause what changed the associations, e.g. the ADT message
 */
public record AttributionChange(
    UUID measurementId, String previousSubject, String subject, Instant changedAt, String cause) {}
