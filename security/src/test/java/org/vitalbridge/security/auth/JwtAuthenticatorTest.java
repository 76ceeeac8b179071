package org.vitalbridge.security.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** OAuth2 access-token checks with keys generated here (no key in the repository). */
class JwtAuthenticatorTest {
  static final String ISSUER = "https://idp.example.org/realms/icu";
  static final String AUDIENCE = "vitalbridge";
  static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  static RSAKey rsa;
  static RSAKey otherRsa;
  static ECKey ec;

  @BeforeAll
  static void keys() throws Exception {
    rsa = new RSAKeyGenerator(2048).keyID("k1").generate();
    otherRsa = new RSAKeyGenerator(2048).keyID("k1").generate();
    ec = new ECKeyGenerator(Curve.P_256).keyID("e1").generate();
  }

  static JwtSettings settings(String publicKey, String hmac, String... algorithms) {
    return new JwtSettings(
        ISSUER,
        AUDIENCE,
        null,
        publicKey,
        hmac,
        List.of(algorithms),
        Duration.ofSeconds(30),
        ScopeMapping.defaults());
  }

  static JwtAuthenticator rsaAuthenticator() {
    return JwtAuthenticator.of(settings(rsa.toPublicJWK().toJSONString(), null, "RS256"), CLOCK);
  }

  static JWTClaimsSet.Builder claims() {
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .subject("nurse-station-3")
        .issueTime(Date.from(NOW.minusSeconds(60)))
        .expirationTime(Date.from(NOW.plusSeconds(300)))
        .claim("scope", "openid vitalbridge.viewer");
  }

  static String rs256(JWTClaimsSet claims, RSAKey key) throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(key.getKeyID())
                .type(JOSEObjectType.JWT)
                .build(),
            claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  static String token(UnaryOperator<JWTClaimsSet.Builder> change) throws Exception {
    return rs256(change.apply(claims()).build(), rsa);
  }

  @Test
  void aValidTokenNamesItsSubjectAndTheRolesOfItsScopes() throws Exception {
    Principal p = rsaAuthenticator().authenticate(token(c -> c));
    assertThat(p.subject()).isEqualTo("nurse-station-3");
    assertThat(p.roles()).containsExactly(Role.VIEWER);
    assertThat(p.via()).isEqualTo("jwt");
    assertThat(p.may(Role.VIEWER)).isTrue();
    assertThat(p.may(Role.INTEGRATOR)).isFalse();
    assertThat(p.may(Role.DEVICE)).isFalse();
  }

  @Test
  void scopesComeFromTheScopeStringOrTheScpArray() throws Exception {
    JwtAuthenticator auth = rsaAuthenticator();
    assertThat(
            auth.authenticate(
                    token(c -> c.claim("scope", "vitalbridge.integrator vitalbridge.device")))
                .roles())
        .containsExactlyInAnyOrder(Role.INTEGRATOR, Role.DEVICE);
    assertThat(
            auth.authenticate(
                    token(c -> c.claim("scope", null).claim("scp", List.of("vitalbridge.admin"))))
                .roles())
        .containsExactly(Role.ADMIN);
    assertThat(auth.authenticate(token(c -> c.claim("scope", "openid profile"))).roles()).isEmpty();
  }

  @Test
  void scopeNamesAreConfigurable() throws Exception {
    JwtSettings s =
        new JwtSettings(
            ISSUER,
            AUDIENCE,
            null,
            rsa.toPublicJWK().toJSONString(),
            null,
            List.of("RS256"),
            Duration.ZERO,
            ScopeMapping.of("vb:admin", "vb:integrate", "vb:read", "vb:ingest"));
    Principal p =
        JwtAuthenticator.of(s, CLOCK).authenticate(token(c -> c.claim("scope", "vb:ingest")));
    assertThat(p.roles()).containsExactly(Role.DEVICE);
  }

  @Test
  void anExpiredTokenIsRefusedBeyondTheClockSkew() throws Exception {
    JwtAuthenticator auth = rsaAuthenticator();
    // 20 s past expiry: within the 30 s skew.
    auth.authenticate(token(c -> c.expirationTime(Date.from(NOW.minusSeconds(20)))));
    assertThatThrownBy(
            () -> auth.authenticate(token(c -> c.expirationTime(Date.from(NOW.minusSeconds(60))))))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("Expired")
        .extracting(e -> ((AuthenticationException) e).error())
        .isEqualTo("invalid_token");
  }

  @Test
  void aTokenWithoutExpiryOrNotYetValidIsRefused() {
    JwtAuthenticator auth = rsaAuthenticator();
    assertThatThrownBy(() -> auth.authenticate(token(c -> c.expirationTime(null))))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("exp");
    assertThatThrownBy(
            () -> auth.authenticate(token(c -> c.notBeforeTime(Date.from(NOW.plusSeconds(120))))))
        .isInstanceOf(AuthenticationException.class);
  }

  @Test
  void theWrongIssuerOrAudienceIsRefused() {
    JwtAuthenticator auth = rsaAuthenticator();
    assertThatThrownBy(() -> auth.authenticate(token(c -> c.issuer("https://evil.example.org"))))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("iss");
    assertThatThrownBy(() -> auth.authenticate(token(c -> c.audience("another-api"))))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("aud");
  }

  @Test
  void aSignatureOfAnotherKeyIsRefused() throws Exception {
    String forged = rs256(claims().build(), otherRsa);
    assertThatThrownBy(() -> rsaAuthenticator().authenticate(forged))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("signature");
    // A tampered payload under the original signature.
    String[] parts = token(c -> c).split("\\.");
    String payload =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                claims().claim("scope", "vitalbridge.admin").build().toString().getBytes());
    assertThatThrownBy(
            () -> rsaAuthenticator().authenticate(parts[0] + "." + payload + "." + parts[2]))
        .isInstanceOf(AuthenticationException.class);
  }

  @Test
  void algNoneAndUnlistedAlgorithmsAreRefused() throws Exception {
    String plain = new PlainJWT(new PlainHeader(), claims().build()).serialize();
    assertThatThrownBy(() -> rsaAuthenticator().authenticate(plain))
        .isInstanceOf(AuthenticationException.class);
    // ES256 is a valid signature, but only RS256 is allowed.
    SignedJWT es =
        new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).build(), claims().build());
    es.sign(new ECDSASigner(ec));
    JwtAuthenticator both =
        JwtAuthenticator.of(
            settings(
                "{\"keys\":["
                    + rsa.toPublicJWK().toJSONString()
                    + ","
                    + ec.toPublicJWK().toJSONString()
                    + "]}",
                null,
                "RS256"),
            CLOCK);
    assertThatThrownBy(() -> both.authenticate(es.serialize()))
        .isInstanceOf(AuthenticationException.class);
    assertThat(settings(rsa.toPublicJWK().toJSONString(), null, "none").errors())
        .containsExactly("auth.oauth2.algorithms: 'none' is never accepted");
  }

  @Test
  void hmacAndPemKeysWork() throws Exception {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    String hmac = Base64.getEncoder().encodeToString(secret);
    SignedJWT hs = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims().build());
    hs.sign(new MACSigner(hmac.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertThat(
            JwtAuthenticator.of(settings(null, hmac, "HS256"), CLOCK)
                .authenticate(hs.serialize())
                .subject())
        .isEqualTo("nurse-station-3");

    String pem =
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(rsa.toRSAPublicKey().getEncoded())
            + "\n-----END PUBLIC KEY-----\n";
    assertThat(
            JwtAuthenticator.of(settings(pem, null, "RS256"), CLOCK)
                .authenticate(token(c -> c))
                .roles())
        .containsExactly(Role.VIEWER);
  }

  @Test
  void settingsReportEveryProblemAndRefuseAPrivateKey() {
    JwtSettings bad =
        new JwtSettings(null, "", null, null, null, List.of(), Duration.ofHours(1), null);
    assertThat(bad.errors()).hasSize(5);
    assertThatThrownBy(
            () -> JwtAuthenticator.of(settings(rsa.toJSONString(), null, "RS256"), CLOCK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("private");
  }

  @Test
  void garbageIsNotAToken() {
    assertThatThrownBy(() -> rsaAuthenticator().authenticate("not-a-jwt"))
        .isInstanceOf(AuthenticationException.class)
        .hasMessage("not a JWT");
  }
}
