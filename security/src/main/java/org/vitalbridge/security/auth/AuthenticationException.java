package org.vitalbridge.security.auth;

/**
 * A bearer token that was not accepted. {@link #error()} is the RFC 6750 error code the {@code
 * WWW-Authenticate} challenge carries ({@code invalid_token} or {@code invalid_request}); the
 * message says why, without echoing the token.
 */
public final class AuthenticationException extends Exception {
  private static final long serialVersionUID = 1L;

  /** RFC 6750 §3.1: the token is expired, revoked, malformed or otherwise invalid. */
  public static final String INVALID_TOKEN = "invalid_token";

  private final String error;

  public AuthenticationException(String error, String message) {
    super(message, null, false, false);
    this.error = error;
  }

  public static AuthenticationException invalidToken(String why) {
    return new AuthenticationException(INVALID_TOKEN, why);
  }

  public String error() {
    return error;
  }
}
