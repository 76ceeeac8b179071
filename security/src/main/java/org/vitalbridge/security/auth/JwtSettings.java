package org.vitalbridge.security.auth;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How OAuth2 access tokens are checked ({@code auth.oauth2.*}). Exactly one key source: a JWKS URL
 * (the authorization server's {@code jwks_uri}), a public key (PEM {@code -----BEGIN PUBLIC
 * KEY-----}, or a JWK / JWK set as JSON) or an HMAC secret (from the environment only).
 *
 * @param issuer the required {@code iss}
 * @param audience the required {@code aud} (one of the token's audiences)
 * @param algorithms the accepted {@code alg} values (e.g. {@code RS256}, {@code ES256}); {@code
 *     none} is never accepted
 * @param clockSkew tolerance on {@code exp} and {@code nbf}
 */
public record JwtSettings(
    String issuer,
    String audience,
    URI jwksUrl,
    String publicKey,
    String hmacSecret,
    List<String> algorithms,
    Duration clockSkew,
    ScopeMapping scopes) {
  public JwtSettings {
    algorithms = List.copyOf(Objects.requireNonNull(algorithms, "algorithms"));
  }

  /** Every problem at once, as {@code auth.oauth2.KEY: message}; empty when valid. */
  public List<String> errors() {
    List<String> errors = new ArrayList<>();
    if (blank(issuer)) {
      errors.add("auth.oauth2.issuer: required (the authorization server's issuer URL)");
    }
    if (blank(audience)) {
      errors.add("auth.oauth2.audience: required (this API's audience, e.g. vitalbridge)");
    }
    int sources =
        (jwksUrl == null ? 0 : 1) + (blank(publicKey) ? 0 : 1) + (blank(hmacSecret) ? 0 : 1);
    if (sources != 1) {
      errors.add(
          "auth.oauth2: exactly one of jwksUrl, publicKey or hmacSecret"
              + " (VITALBRIDGE_AUTH_OAUTH2_HMACSECRET) is required, found "
              + sources);
    }
    if (algorithms.isEmpty()) {
      errors.add("auth.oauth2.algorithms: name at least one, e.g. RS256");
    }
    for (String a : algorithms) {
      if (a.equalsIgnoreCase("none")) {
        errors.add("auth.oauth2.algorithms: 'none' is never accepted");
      }
    }
    if (clockSkew == null
        || clockSkew.isNegative()
        || clockSkew.compareTo(Duration.ofMinutes(5)) > 0) {
      errors.add("auth.oauth2.clockSkew: between PT0S and PT5M");
    }
    if (!blank(hmacSecret) && hmacSecret.length() < 32) {
      errors.add("auth.oauth2.hmacSecret: at least 32 characters (256 bits)");
    }
    return errors;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  @Override
  public String toString() {
    // Never the secret.
    return "JwtSettings[issuer="
        + issuer
        + ", audience="
        + audience
        + ", key="
        + (jwksUrl != null ? jwksUrl : !blank(publicKey) ? "public key" : "hmac")
        + ", algorithms="
        + algorithms
        + "]";
  }
}
