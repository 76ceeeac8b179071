package org.vitalbridge.security.auth;

import java.util.Comparator;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An authenticated caller: who (the token's subject), its roles and how it was authenticated
 * ({@code jwt}, {@code local} or {@code none}). What the audit trail records as "who" and "role".
 */
public record Principal(String subject, Set<Role> roles, String via) {
  public Principal {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(via, "via");
    roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
  }

  /** The caller when authentication is off ({@code auth.mode: none}): every role. */
  public static Principal unauthenticated() {
    return new Principal("anonymous", EnumSet.allOf(Role.class), "none");
  }

  /** Whether any of the roles satisfies {@code required}. */
  public boolean may(Role required) {
    for (Role r : roles) {
      if (r.satisfies(required)) {
        return true;
      }
    }
    return false;
  }

  /** The roles as a stable comma-separated list ({@code admin,viewer}), for the audit trail. */
  public String rolesText() {
    return roles.stream()
        .sorted(Comparator.naturalOrder())
        .map(Role::id)
        .collect(Collectors.joining(","));
  }
}
