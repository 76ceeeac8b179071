package org.vitalbridge.security.auth;

import java.util.Locale;

/**
 * What a caller of the API may do. {@code ADMIN} ⊇ {@code INTEGRATOR} ⊇ {@code VIEWER}; {@code
 * DEVICE} only sends data. {@code ADMIN} is the operator's break-glass role and so may ingest too
 * (a curl test of a template), but no other role implies {@code DEVICE}, and {@code DEVICE} implies
 * nothing: a stolen device credential reads no PHI.
 */
public enum Role {
  /** Operates destinations (pause, resume, replay) and everything below. */
  ADMIN,
  /** Fixes mappings and data: reprocess, discard, associations, templates; reads like a viewer. */
  INTEGRATOR,
  /** Reads measurements, devices, flow and the quarantine. */
  VIEWER,
  /** Sends data to the ingest endpoints, nothing else. */
  DEVICE;

  /** Whether a holder of this role may call an endpoint meant for {@code required}. */
  public boolean satisfies(Role required) {
    if (this == required || this == ADMIN) {
      return true;
    }
    return this == INTEGRATOR && required == VIEWER;
  }

  /** The lower-case name used in configuration, tokens and the audit trail. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code admin}, {@code integrator}, {@code viewer} or {@code device}. */
  public static Role of(String id) {
    for (Role r : values()) {
      if (r.id().equals(id)) {
        return r;
      }
    }
    throw new IllegalArgumentException(
        "unknown role '" + id + "' (admin, integrator, viewer or device)");
  }
}
