package org.vitalbridge.fhir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * OAuth2 client-credentials grant, SMART Backend Services style: the client authenticates with a
 * secret (HTTP Basic) or with a signed JWT assertion (private_key_jwt, RS384 or ES384). Tokens are
 * cached until 30 s before {@code expires_in} and fetched again after a 401.
 */
public final class ClientCredentialsTokenSource implements TokenSource {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration EARLY = Duration.ofSeconds(30);

  private final URI tokenUrl;
  private final String clientId;
  private final String clientSecret;
  private final JWK privateKey;
  private final String scope;
  private final Clock clock;
  private final HttpClient http;
  private String token;
  private Instant expiresAt = Instant.MIN;

  private ClientCredentialsTokenSource(
      URI tokenUrl,
      String clientId,
      String clientSecret,
      JWK privateKey,
      String scope,
      Clock clock) {
    this.tokenUrl = tokenUrl;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.privateKey = privateKey;
    this.scope = scope;
    this.clock = clock;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  /** Client authenticated by a shared secret (client_secret_basic). */
  public static ClientCredentialsTokenSource withSecret(
      URI tokenUrl, String clientId, String clientSecret, String scope, Clock clock) {
    return new ClientCredentialsTokenSource(tokenUrl, clientId, clientSecret, null, scope, clock);
  }

  /** Client authenticated by a JWT signed with its private key (private_key_jwt). */
  public static ClientCredentialsTokenSource withPrivateKey(
      URI tokenUrl, String clientId, JWK privateKey, String scope, Clock clock) {
    if (!privateKey.isPrivate()) {
      throw new IllegalArgumentException("the JWK must contain the private key");
    }
    return new ClientCredentialsTokenSource(tokenUrl, clientId, null, privateKey, scope, clock);
  }

  @Override
  public synchronized String token() {
    if (token == null || !clock.instant().isBefore(expiresAt.minus(EARLY))) {
      fetch();
    }
    return token;
  }

  @Override
  public synchronized void invalidate() {
    token = null;
  }

  private void fetch() {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "client_credentials");
    if (scope != null) {
      form.put("scope", scope);
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(tokenUrl)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json");
    if (privateKey != null) {
      form.put("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
      form.put("client_assertion", assertion());
    } else {
      String basic =
          Base64.getEncoder()
              .encodeToString(
                  (enc(clientId) + ":" + enc(clientSecret)).getBytes(StandardCharsets.UTF_8));
      request.header("Authorization", "Basic " + basic);
    }
    String body =
        form.entrySet().stream()
            .map(e -> e.getKey() + "=" + enc(e.getValue()))
            .collect(Collectors.joining("&"));
    try {
      HttpResponse<String> response =
          http.send(
              request.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new FhirDeliveryException(
            "token endpoint answered " + response.statusCode() + ": " + abbreviate(response.body()),
            true);
      }
      JsonNode json = JSON.readTree(response.body());
      JsonNode accessToken = json.get("access_token");
      if (accessToken == null || accessToken.asText().isEmpty()) {
        throw new FhirDeliveryException("token endpoint answered without access_token", true);
      }
      token = accessToken.asText();
      long expiresIn = json.path("expires_in").asLong(300);
      expiresAt = clock.instant().plusSeconds(expiresIn);
    } catch (IOException e) {
      throw new FhirDeliveryException("token endpoint unreachable: " + e.getMessage(), true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FhirDeliveryException("interrupted while fetching a token", true);
    }
  }

  private String assertion() {
    Instant now = clock.instant();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(clientId)
            .subject(clientId)
            .audience(tokenUrl.toString())
            .jwtID(UUID.randomUUID().toString())
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
            .build();
    try {
      if (privateKey instanceof RSAKey rsa) {
        SignedJWT jwt =
            new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS384).keyID(rsa.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(rsa));
        return jwt.serialize();
      }
      if (privateKey instanceof ECKey ec) {
        SignedJWT jwt =
            new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES384).keyID(ec.getKeyID()).build(), claims);
        jwt.sign(new ECDSASigner(ec));
        return jwt.serialize();
      }
      throw new IllegalStateException("only RSA and EC keys can sign a client assertion");
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign the client assertion: " + e.getMessage(), e);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "…" : s;
  }
}
