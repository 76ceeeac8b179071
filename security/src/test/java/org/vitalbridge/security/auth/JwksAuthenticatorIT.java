package org.vitalbridge.security.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Keys from a JWKS URL served by a tiny HTTP server in the test: a token verifies, the document is
 * fetched once and cached, and a rotated key (new {@code kid}) is picked up on its first token.
 */
class JwksAuthenticatorIT {
  @Test
  void keysAreFetchedFromTheJwksUrlCachedAndRotated() throws Exception {
    RSAKey first = new RSAKeyGenerator(2048).keyID("2026-11").generate();
    RSAKey second = new RSAKeyGenerator(2048).keyID("2026-12").generate();
    AtomicReference<String> document =
        new AtomicReference<>(new JWKSet(first.toPublicJWK()).toString());
    AtomicInteger fetches = new AtomicInteger();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/realms/icu/protocol/openid-connect/certs",
        exchange -> {
          fetches.incrementAndGet();
          byte[] body = document.get().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      JwtAuthenticator auth =
          JwtAuthenticator.of(
              new JwtSettings(
                  JwtAuthenticatorTest.ISSUER,
                  JwtAuthenticatorTest.AUDIENCE,
                  URI.create(
                      "http://127.0.0.1:"
                          + server.getAddress().getPort()
                          + "/realms/icu/protocol/openid-connect/certs"),
                  null,
                  null,
                  List.of("RS256"),
                  Duration.ofSeconds(30),
                  ScopeMapping.defaults()),
              JwtAuthenticatorTest.CLOCK);
      String token = JwtAuthenticatorTest.rs256(JwtAuthenticatorTest.claims().build(), first);
      assertThat(auth.authenticate(token).roles()).containsExactly(Role.VIEWER);
      auth.authenticate(token);
      assertThat(fetches.get()).isEqualTo(1);

      // The server rotates its key: the unknown kid makes the cache refresh.
      document.set(new JWKSet(List.of(first.toPublicJWK(), second.toPublicJWK())).toString());
      String rotated = JwtAuthenticatorTest.rs256(JwtAuthenticatorTest.claims().build(), second);
      assertThat(auth.authenticate(rotated).subject()).isEqualTo("nurse-station-3");
      assertThat(fetches.get()).isEqualTo(2);

      RSAKey stranger = new RSAKeyGenerator(2048).keyID("evil").generate();
      assertThatThrownBy(
              () ->
                  auth.authenticate(
                      JwtAuthenticatorTest.rs256(JwtAuthenticatorTest.claims().build(), stranger)))
          .isInstanceOf(AuthenticationException.class)
          .hasMessage("no signing key of the issuer matches the token");

      // The JWKS endpoint goes away: cached keys keep verifying known tokens.
      server.stop(0);
      assertThat(auth.authenticate(token).subject()).isEqualTo("nurse-station-3");
    } finally {
      server.stop(0);
    }
  }
}
