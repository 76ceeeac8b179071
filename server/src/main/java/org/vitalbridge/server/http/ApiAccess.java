package org.vitalbridge.server.http;

import java.util.EnumMap;
import java.util.Map;
import org.vitalbridge.security.auth.AuthenticationException;
import org.vitalbridge.security.auth.Authenticator;
import org.vitalbridge.security.auth.Principal;
import org.vitalbridge.security.auth.Role;

/**
 * How the API authenticates its callers: with an {@link Authenticator} (OAuth2 JWTs or local API
 * tokens), or not at all ({@link #none()}: every caller is {@link Principal#unauthenticated()} —
 * tests, and deployments behind another gate, loudly).
 */
public final class ApiAccess {
  private final Authenticator authenticator;
  private final Map<Role, String> scopes;

  private ApiAccess(Authenticator authenticator, Map<Role, String> scopes) {
    this.authenticator = authenticator;
    this.scopes = scopes;
  }

  public static ApiAccess none() {
    return new ApiAccess(null, Map.of());
  }

  /**
   * @param scopes the OAuth2 scope that grants each role, named in {@code insufficient_scope}
   *     challenges (empty for local tokens, which have roles, not scopes)
   */
  public static ApiAccess of(Authenticator authenticator, Map<Role, String> scopes) {
    return new ApiAccess(authenticator, scopes.isEmpty() ? Map.of() : new EnumMap<>(scopes));
  }

  boolean enabled() {
    return authenticator != null;
  }

  Principal authenticate(String token) throws AuthenticationException {
    return authenticator.authenticate(token);
  }

  /** The scope that grants {@code role}, or null. */
  String scopeFor(Role role) {
    return scopes.get(role);
  }
}
