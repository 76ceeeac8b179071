package org.vitalbridge.store;

import java.util.Objects;

/**
 * What an audit entry says: who ({@code actor}, the token's subject), in which {@code role}, did
 * what ({@code action}, e.g. {@code GET /api/v1/measurements}, and {@code resource}: parameters
 * without PHI values), about which {@code patient} (if the request named one), from where ({@code
 * source}: the remote address), with which {@code outcome} (e.g. {@code 200}, {@code 403}). The
 * audit trail is the one place patient ids are written outside the clinical tables.
 */
public record AuditEvent(
    String actor,
    String role,
    String action,
    String resource,
    String patient,
    String source,
    String outcome,
    String detail) {
  public AuditEvent {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(outcome, "outcome");
  }
}
