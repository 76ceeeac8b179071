package org.vitalbridge.security.auth;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * OAuth2 scope names → roles. Scopes are read from the {@code scope} claim (space-separated, RFC
 * 8693 / RFC 9068) or the {@code scp} claim (a JSON array or string, as Azure AD and Okta issue);
 * scopes that name no role are ignored.
 */
public record ScopeMapping(Map<String, Role> scopes) {
  public ScopeMapping {
    scopes = Map.copyOf(Objects.requireNonNull(scopes, "scopes"));
  }

  /**
   * {@code vitalbridge.admin}, {@code vitalbridge.integrator}, {@code .viewer}, {@code .device}.
   */
  public static ScopeMapping defaults() {
    return of(
        "vitalbridge.admin", "vitalbridge.integrator", "vitalbridge.viewer", "vitalbridge.device");
  }

  /** The scope name of each role, in the order admin, integrator, viewer, device. */
  public static ScopeMapping of(String admin, String integrator, String viewer, String device) {
    Map<String, Role> m = new LinkedHashMap<>();
    m.put(Objects.requireNonNull(admin, "admin scope"), Role.ADMIN);
    m.put(Objects.requireNonNull(integrator, "integrator scope"), Role.INTEGRATOR);
    m.put(Objects.requireNonNull(viewer, "viewer scope"), Role.VIEWER);
    m.put(Objects.requireNonNull(device, "device scope"), Role.DEVICE);
    if (m.size() != 4) {
      throw new IllegalArgumentException("each role needs its own scope name");
    }
    return new ScopeMapping(m);
  }

  /** The roles the scopes grant (none when no scope is known). */
  public Set<Role> roles(Object scopeClaim, Object scpClaim) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String s : names(scopeClaim)) {
      Role r = scopes.get(s);
      if (r != null) {
        roles.add(r);
      }
    }
    for (String s : names(scpClaim)) {
      Role r = scopes.get(s);
      if (r != null) {
        roles.add(r);
      }
    }
    return roles;
  }

  private static List<String> names(Object claim) {
    List<String> out = new ArrayList<>();
    if (claim instanceof String s) {
      for (String part : s.trim().split("\\s+")) {
        if (!part.isEmpty()) {
          out.add(part);
        }
      }
    } else if (claim instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof String s) {
          out.add(s);
        }
      }
    }
    return out;
  }
}
