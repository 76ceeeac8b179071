package org.vitalbridge.store;

import java.time.Instant;
import java.util.UUID;

/**
 * One change of a measurement's status ({@code preliminary}, {@code final}, {@code amended}, {@code
 * entered-in-error}); a status only moves forward.
 *
 * @param cause what changed it: {@code raw <id>} of the message that carried the new status, or the
 *     association change (e.g. the ADT message) that re-attributed it
 */
public record StatusChange(
    UUID measurementId, String previousStatus, String status, Instant changedAt, String cause) {}
