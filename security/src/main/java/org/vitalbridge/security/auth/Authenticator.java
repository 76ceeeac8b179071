package org.vitalbridge.security.auth;

/**
 * Turns a bearer token into a {@link Principal}: {@link JwtAuthenticator} (OAuth2 access tokens) or
 * {@link LocalTokenAuthenticator} (API tokens issued by this installation).
 */
public interface Authenticator {
  /**
   * @param token the bearer token as presented (never logged)
   * @throws AuthenticationException when it is not accepted
   */
  Principal authenticate(String token) throws AuthenticationException;
}
