package org.vitalbridge.security.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OAuth2 bearer access tokens as signed JWTs (Nimbus JOSE+JWT): the signature against the
 * configured keys with an allow-listed {@code alg} ({@code none} and unlisted algorithms fail), the
 * {@code iss} and {@code aud}, {@code exp} (required) and {@code nbf} within the clock skew, then
 * scopes → roles ({@link ScopeMapping}). Keys from a JWKS URL are cached and refreshed when a token
 * names an unknown {@code kid} (key rotation), rate-limited.
 */
public final class JwtAuthenticator implements Authenticator {
  private static final Logger log = LoggerFactory.getLogger(JwtAuthenticator.class);

  private final DefaultJWTProcessor<SecurityContext> processor;
  private final ScopeMapping scopes;

  private JwtAuthenticator(DefaultJWTProcessor<SecurityContext> processor, ScopeMapping scopes) {
    this.processor = processor;
    this.scopes = scopes;
  }

  /**
   * @throws IllegalArgumentException when the settings are invalid (every problem listed)
   */
  public static JwtAuthenticator of(JwtSettings settings, Clock clock) {
    var errors = settings.errors();
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", errors));
    }
    Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
    for (String a : settings.algorithms()) {
      algorithms.add(JWSAlgorithm.parse(a));
    }
    DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
    // RFC 9068 access tokens say "at+jwt"; many servers still say "JWT" or nothing.
    p.setJWSTypeVerifier(
        new DefaultJOSEObjectTypeVerifier<>(
            JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null));
    p.setJWSKeySelector(selector(algorithms, keys(settings)));
    DefaultJWTClaimsVerifier<SecurityContext> claims =
        new DefaultJWTClaimsVerifier<>(
            Set.of(settings.audience()),
            new JWTClaimsSet.Builder().issuer(settings.issuer()).build(),
            Set.of("exp", "iss"),
            null) {
          @Override
          protected Date currentTime() {
            // The injected clock, so expiry is testable without sleeping.
            return Date.from(clock.instant());
          }
        };
    claims.setMaxClockSkew((int) settings.clockSkew().toSeconds());
    p.setJWTClaimsSetVerifier(claims);
    return new JwtAuthenticator(p, settings.scopes());
  }

  /**
   * A single configured key without a {@code kid} verifies every token of an allowed algorithm
   * (whatever {@code kid} the token names: the operator chose this key); otherwise keys are matched
   * by {@code kid} and algorithm.
   */
  private static JWSKeySelector<SecurityContext> selector(
      Set<JWSAlgorithm> algorithms, JWKSource<SecurityContext> keys) {
    if (keys instanceof ImmutableJWKSet<SecurityContext> set
        && set.getJWKSet().getKeys().size() == 1
        && set.getJWKSet().getKeys().get(0) instanceof AsymmetricJWK
        && set.getJWKSet().getKeys().get(0).getKeyID() == null) {
      Key key = publicKey(set.getJWKSet().getKeys().get(0));
      return (header, context) ->
          algorithms.contains(header.getAlgorithm()) ? List.of(key) : List.of();
    }
    return new JWSVerificationKeySelector<>(algorithms, keys);
  }

  private static Key publicKey(JWK jwk) {
    try {
      if (jwk instanceof AsymmetricJWK a) {
        return a.toPublicKey();
      }
    } catch (JOSEException e) {
      throw new IllegalArgumentException("auth.oauth2.publicKey: " + e.getMessage(), e);
    }
    throw new IllegalArgumentException("auth.oauth2.publicKey: not an RSA or EC public key");
  }

  private static JWKSource<SecurityContext> keys(JwtSettings s) {
    try {
      if (s.jwksUrl() != null) {
        return JWKSourceBuilder.<SecurityContext>create(s.jwksUrl().toURL()).build();
      }
      if (s.publicKey() != null && !s.publicKey().isBlank()) {
        String key = s.publicKey().strip();
        JWKSet set;
        if (key.startsWith("-----BEGIN")) {
          set = new JWKSet(PemPublicKeys.parse(key));
        } else if (key.contains("\"keys\"")) {
          set = JWKSet.parse(key);
        } else {
          set = new JWKSet(JWK.parse(key));
        }
        if (set.getKeys().stream().anyMatch(JWK::isPrivate)) {
          throw new IllegalArgumentException(
              "auth.oauth2.publicKey: contains a private key; configure the public part only");
        }
        return new ImmutableJWKSet<>(set);
      }
      return new ImmutableSecret<>(s.hmacSecret().getBytes(StandardCharsets.UTF_8));
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException("auth.oauth2.jwksUrl: " + e.getMessage(), e);
    } catch (ParseException | JOSEException e) {
      throw new IllegalArgumentException(
          "auth.oauth2.publicKey: neither a PEM public key nor a JWK: " + e.getMessage(), e);
    }
  }

  @Override
  public Principal authenticate(String token) throws AuthenticationException {
    JWTClaimsSet claims;
    try {
      claims = processor.process(token, null);
    } catch (RateLimitReachedException e) {
      // An unknown kid just made the JWKS be fetched again: the token's key is not there.
      throw AuthenticationException.invalidToken("no signing key of the issuer matches the token");
    } catch (KeySourceException e) {
      log.warn("OAuth2 signing keys unavailable: {}", e.toString());
      throw AuthenticationException.invalidToken("the signing keys cannot be fetched now");
    } catch (ParseException e) {
      throw AuthenticationException.invalidToken("not a JWT");
    } catch (BadJOSEException | JOSEException e) {
      throw AuthenticationException.invalidToken(e.getMessage());
    }
    String subject = claims.getSubject();
    if (subject == null) {
      // Client-credentials tokens of some servers name the client only.
      Object client = claims.getClaim("client_id");
      subject = client instanceof String c ? c : "unknown";
    }
    return new Principal(
        subject, scopes.roles(claims.getClaim("scope"), claims.getClaim("scp")), "jwt");
  }
}
