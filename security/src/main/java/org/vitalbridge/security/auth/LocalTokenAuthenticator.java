package org.vitalbridge.security.auth;

import java.util.Optional;
import java.util.Set;

/** Accepts the API tokens of {@link LocalTokens} whose credential the store holds. */
public final class LocalTokenAuthenticator implements Authenticator {
  /** Where the credentials are (the store's table). */
  public interface Credentials {
    Optional<LocalCredential> find(String id);
  }

  private final Credentials credentials;

  public LocalTokenAuthenticator(Credentials credentials) {
    this.credentials = credentials;
  }

  @Override
  public Principal authenticate(String token) throws AuthenticationException {
    String[] parts =
        LocalTokens.parse(token)
            .orElseThrow(() -> AuthenticationException.invalidToken("not a VitalBridge API token"));
    // One answer for an unknown id and a wrong secret: nothing tells a guesser which was right.
    LocalCredential c =
        credentials
            .find(parts[0])
            .filter(found -> LocalTokens.matches(found, parts[1]))
            .orElseThrow(
                () -> AuthenticationException.invalidToken("unknown or revoked API token"));
    return new Principal(c.subject(), Set.of(c.role()), "local");
  }
}
