package org.vitalbridge.fhir;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OAuth2 token endpoint (JDK HttpServer, 127.0.0.1, ephemeral port) for the client-credentials
 * grant. It authenticates the client either by HTTP Basic (client_secret_basic: id and secret
 * form-urlencoded, RFC 6749 §2.3.1) or by a signed JWT assertion (private_key_jwt, SMART Backend
 * Services: RS384, iss = sub = client id, aud = token URL, exp in the future, jti present), and
 * issues a fresh token per request, valid for {@code expiresIn} seconds of the shared clock. Only
 * the most recently issued token is valid ({@link #isValid}); {@link #revoke()} invalidates it.
 */
final class TestTokenServer implements AutoCloseable {
  static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

  /** One token request as received, and whether it was granted. */
  record TokenRequest(
      Map<String, String> form, String authorization, boolean granted, String refusal) {}

  private final HttpServer http;
  private final Clock clock;
  private final String clientId;
  private final String clientSecret;
  private final RSAKey clientPublicKey;
  private final long expiresIn;
  private final List<TokenRequest> received = new CopyOnWriteArrayList<>();
  private final List<JWTClaimsSet> assertions = new CopyOnWriteArrayList<>();
  private final AtomicInteger issued = new AtomicInteger();
  private volatile String current;
  private volatile Instant currentExpiresAt = Instant.MIN;

  private TestTokenServer(
      Clock clock, String clientId, String clientSecret, RSAKey clientPublicKey, long expiresIn) {
    this.clock = clock;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.clientPublicKey = clientPublicKey;
    this.expiresIn = expiresIn;
    try {
      this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the token endpoint", e);
    }
    http.createContext("/oauth2/token", this::handle);
    http.start();
  }

  /** A token endpoint for a client authenticated by a shared secret (HTTP Basic). */
  static TestTokenServer withSecret(
      Clock clock, String clientId, String clientSecret, long expiresIn) {
    return new TestTokenServer(clock, clientId, clientSecret, null, expiresIn);
  }

  /** A token endpoint for a client authenticated by a JWT signed with its private key. */
  static TestTokenServer withPublicKey(
      Clock clock, String clientId, RSAKey clientPublicKey, long expiresIn) {
    if (clientPublicKey.isPrivate()) {
      throw new IllegalArgumentException("the token server only gets the public key");
    }
    return new TestTokenServer(clock, clientId, null, clientPublicKey, expiresIn);
  }

  URI tokenUrl() {
    return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/oauth2/token");
  }

  /** Whether a FHIR server should accept this bearer token now. */
  boolean isValid(String token) {
    return token.equals(current) && clock.instant().isBefore(currentExpiresAt);
  }

  /** Server-side revocation/rotation: the token issued last is no longer accepted. */
  void revoke() {
    current = null;
  }

  int issued() {
    return issued.get();
  }

  List<TokenRequest> requests() {
    return List.copyOf(received);
  }

  /** Claims of the client assertions that verified, in order. */
  List<JWTClaimsSet> verifiedAssertions() {
    return List.copyOf(assertions);
  }

  @Override
  public void close() {
    http.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Map<String, String> form = parseForm(body);
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      String refusal = refusal(exchange, form, authorization);
      received.add(new TokenRequest(form, authorization, refusal == null, refusal));
      if (refusal != null) {
        respond(
            exchange,
            refusal.startsWith("unsupported") ? 400 : 401,
            "{\"error\":\"invalid_client\",\"error_description\":\"" + refusal + "\"}");
        return;
      }
      String token = "tok-" + issued.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
      currentExpiresAt = clock.instant().plusSeconds(expiresIn);
      current = token;
      respond(
          exchange,
          200,
          "{\"access_token\":\""
              + token
              + "\",\"token_type\":\"bearer\",\"expires_in\":"
              + expiresIn
              + (form.containsKey("scope") ? ",\"scope\":\"" + form.get("scope") + "\"" : "")
              + "}");
    }
  }

  /** Why this request gets no token, or {@code null} when it does. */
  private String refusal(HttpExchange exchange, Map<String, String> form, String authorization) {
    if (!exchange.getRequestMethod().equals("POST")) {
      return "unsupported method " + exchange.getRequestMethod();
    }
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    if (contentType == null || !contentType.startsWith("application/x-www-form-urlencoded")) {
      return "unsupported content type " + contentType;
    }
    if (!"client_credentials".equals(form.get("grant_type"))) {
      return "unsupported grant_type " + form.get("grant_type");
    }
    return clientSecret != null ? checkBasic(authorization) : checkAssertion(form, authorization);
  }

  private String checkBasic(String authorization) {
    if (authorization == null || !authorization.startsWith("Basic ")) {
      return "no HTTP Basic client authentication";
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(authorization.substring(6).strip()),
              StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return "malformed Basic credentials";
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return "malformed Basic credentials";
    }
    String id = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
    String secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
    if (!id.equals(clientId)) {
      return "unknown client " + id;
    }
    if (!secret.equals(clientSecret)) {
      return "bad client secret";
    }
    return null;
  }

  private String checkAssertion(Map<String, String> form, String authorization) {
    if (authorization != null) {
      return "private_key_jwt clients must not also send an Authorization header";
    }
    if (!ASSERTION_TYPE.equals(form.get("client_assertion_type"))) {
      return "bad client_assertion_type " + form.get("client_assertion_type");
    }
    String assertion = form.get("client_assertion");
    if (assertion == null) {
      return "no client_assertion";
    }
    try {
      SignedJWT jwt = SignedJWT.parse(assertion);
      if (!JWSAlgorithm.RS384.equals(jwt.getHeader().getAlgorithm())) {
        return "assertion algorithm " + jwt.getHeader().getAlgorithm() + " is not RS384";
      }
      if (!jwt.verify(new RSASSAVerifier(clientPublicKey))) {
        return "assertion signature does not verify";
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      if (!clientId.equals(claims.getIssuer())) {
        return "assertion iss " + claims.getIssuer();
      }
      if (!clientId.equals(claims.getSubject())) {
        return "assertion sub " + claims.getSubject();
      }
      if (claims.getAudience() == null || !claims.getAudience().contains(tokenUrl().toString())) {
        return "assertion aud " + claims.getAudience() + " is not " + tokenUrl();
      }
      if (claims.getExpirationTime() == null
          || !claims.getExpirationTime().toInstant().isAfter(clock.instant())) {
        return "assertion expired or without exp";
      }
      if (claims.getJWTID() == null) {
        return "assertion without jti";
      }
      assertions.add(claims);
      return null;
    } catch (ParseException e) {
      return "assertion is not a signed JWT: " + e.getMessage();
    } catch (JOSEException e) {
      return "assertion cannot be verified: " + e.getMessage();
    }
  }

  private static Map<String, String> parseForm(String body) {
    Map<String, String> form = new LinkedHashMap<>();
    if (body.isEmpty()) {
      return form;
    }
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      form.put(
          URLDecoder.decode(k, StandardCharsets.UTF_8),
          URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return form;
  }

  private static void respond(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
