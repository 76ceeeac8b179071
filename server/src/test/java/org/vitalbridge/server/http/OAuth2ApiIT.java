package org.vitalbridge.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vitalbridge.server.http.ApiFixture.assertProblem;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.security.auth.JwtAuthenticator;
import org.vitalbridge.security.auth.JwtSettings;
import org.vitalbridge.security.auth.Role;
import org.vitalbridge.security.auth.ScopeMapping;
import org.vitalbridge.store.AuditEvent;

/**
 * OAuth2 bearer JWTs over real HTTP (key generated here): a viewer-scoped token reads, is refused
 * an integrator action with the scope it lacks named in the challenge, and an expired token gets
 * {@code error="invalid_token"}; the subject is the audit trail's actor.
 */
class OAuth2ApiIT {
  @TempDir Path tmp;

  @Test
  void scopedJwtsAreEnforcedWithRfc6750Challenges() throws Exception {
    RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
    JwtSettings settings =
        new JwtSettings(
            "https://idp.example.org",
            "vitalbridge",
            null,
            key.toPublicJWK().toJSONString(),
            null,
            List.of("RS256"),
            Duration.ofSeconds(30),
            ScopeMapping.defaults());
    Map<Role, String> scopes = new EnumMap<>(Role.class);
    ScopeMapping.defaults().scopes().forEach((name, role) -> scopes.put(role, name));
    try (ApiFixture f =
        ApiFixture.secured(
            tmp,
            ApiFixture.sqlite(tmp),
            s ->
                ApiAccess.of(JwtAuthenticator.of(settings, java.time.Clock.systemUTC()), scopes))) {
      String viewer = jwt(key, "dashboard-7", "vitalbridge.viewer", Instant.now().plusSeconds(300));
      assertThat(f.get("/api/v1/measurements?patient=P-1", viewer).statusCode()).isEqualTo(200);
      AuditEvent read = f.store.audit().entries(0, 10).get(0).event();
      assertThat(read.actor()).isEqualTo("dashboard-7");
      assertThat(read.detail()).isEqualTo("via jwt");

      HttpResponse<byte[]> refused =
          f.http.send(
              f.request(
                      "/api/v1/templates/validate",
                      "application/yaml",
                      new byte[0],
                      "Authorization",
                      "Bearer " + viewer)
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertProblem(refused, 403, "insufficient-scope");
      assertThat(refused.headers().firstValue("WWW-Authenticate").orElseThrow())
          .isEqualTo(
              "Bearer realm=\"vitalbridge\", error=\"insufficient_scope\","
                  + " scope=\"vitalbridge.integrator\"");

      String expired =
          jwt(key, "dashboard-7", "vitalbridge.viewer", Instant.now().minusSeconds(600));
      HttpResponse<byte[]> old = f.get("/api/v1/devices", expired);
      assertProblem(old, 401, "invalid-token");
      assertThat(old.headers().firstValue("WWW-Authenticate").orElseThrow())
          .contains("error=\"invalid_token\"")
          .contains("Expired");
    }
  }

  private static String jwt(RSAKey key, String subject, String scope, Instant exp)
      throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
            new JWTClaimsSet.Builder()
                .issuer("https://idp.example.org")
                .audience("vitalbridge")
                .subject(subject)
                .expirationTime(Date.from(exp))
                .claim("scope", scope)
                .build());
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }
}
