package org.vitalbridge.server;

import com.nimbusds.jose.jwk.JWK;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.text.ParseException;
import java.time.Clock;
import org.vitalbridge.core.ConfigurationException;
import org.vitalbridge.core.terminology.Terminology;
import org.vitalbridge.fhir.ClientCredentialsTokenSource;
import org.vitalbridge.fhir.FhirDestination;
import org.vitalbridge.fhir.FhirDestinationConfig;
import org.vitalbridge.fhir.FhirMappingOptions;
import org.vitalbridge.fhir.FhirTransactionMapper;
import org.vitalbridge.fhir.TokenSource;
import org.vitalbridge.server.config.VitalBridgeConfig;
import org.vitalbridge.server.tls.TlsSetup;
import org.vitalbridge.store.Minimization;
import org.vitalbridge.store.Store;

/** Builds the FHIR destination from configuration. */
final class FhirWiring {
  static final String DESTINATION = "fhir";

  private FhirWiring() {}

  /** The destination's settings; invalid ones are a configuration error. */
  static FhirDestinationConfig config(VitalBridgeConfig.Fhir f) {
    boolean batch =
        switch (f.mode()) {
          case "realtime" -> false;
          case "batch" -> true;
          default ->
              throw new ConfigurationException(
                  "fhir.mode must be realtime or batch, not '" + f.mode() + "'");
        };
    try {
      return new FhirDestinationConfig(
          DESTINATION, f.baseUrl(), batch, f.maxBatch(), f.flushInterval(), f.gzip(), f.timeout());
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new ConfigurationException("fhir: " + e.getMessage());
    }
  }

  /** Checks the authentication settings (and reads a private key) without asking for a token. */
  static void checkAuth(VitalBridgeConfig.Auth a, Clock clock) {
    tokens(a, clock);
  }

  static FhirDestination destination(
      VitalBridgeConfig.Fhir f, Store store, Terminology terminology, Clock clock) {
    FhirDestinationConfig config = config(f);
    if (f.baseUrl() != null && f.baseUrl().regionMatches(true, 0, "https:", 0, 6)) {
      TlsSetup tls = TlsContexts.client(f.clientTls(), "fhir.clientTls");
      config = config.withTls(tls.context(), tls.protocols());
    }
    Minimization minimization = minimization(f.minimize());
    return new FhirDestination(
        config,
        store.outbox(),
        new FhirTransactionMapper(
            terminology,
            new FhirMappingOptions(
                minimization.pseudonymizes()
                    ? f.minimize().pseudonymSystem()
                    : f.patientIdentifierSystem(),
                f.deviceIdentifierSystem())),
        clock,
        tokens(f.auth(), clock),
        minimization);
  }

  static Minimization minimization(VitalBridgeConfig.Minimize m) {
    if (m == null) {
      return Minimization.NONE;
    }
    byte[] key = null;
    if (m.pseudonymize()) {
      if (m.pseudonymKey() == null || m.pseudonymKey().length() < 16) {
        throw new ConfigurationException(
            "fhir.minimize.pseudonymize needs a key of at least 16 characters in"
                + " VITALBRIDGE_FHIR_MINIMIZE_PSEUDONYMKEY");
      }
      if (m.pseudonymSystem() == null || m.pseudonymSystem().isBlank()) {
        throw new ConfigurationException("fhir.minimize.pseudonymSystem must name a system");
      }
      key = m.pseudonymKey().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    try {
      java.util.Set<String> fields =
          m.fields() == null ? java.util.Set.of() : new java.util.HashSet<>(m.fields());
      return fields.isEmpty() && key == null ? Minimization.NONE : new Minimization(fields, key);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("fhir.minimize: " + e.getMessage());
    }
  }

  private static TokenSource tokens(VitalBridgeConfig.Auth a, Clock clock) {
    switch (a.type()) {
      case "none":
        return null;
      case "bearer":
        if (a.bearerToken() == null) {
          throw new ConfigurationException(
              "fhir.auth.type bearer needs VITALBRIDGE_FHIR_AUTH_BEARERTOKEN in the environment");
        }
        return TokenSource.fixed(a.bearerToken());
      case "client-credentials":
        if (a.tokenUrl() == null || a.clientId() == null) {
          throw new ConfigurationException(
              "fhir.auth client-credentials needs fhir.auth.tokenUrl and fhir.auth.clientId");
        }
        if (a.privateKeyFile() != null) {
          try {
            JWK key = JWK.parse(Files.readString(a.privateKeyFile()));
            return ClientCredentialsTokenSource.withPrivateKey(
                URI.create(a.tokenUrl()), a.clientId(), key, a.scope(), clock);
          } catch (IOException | ParseException e) {
            throw new ConfigurationException(
                a.privateKeyFile() + ": cannot read the private JWK: " + e.getMessage());
          }
        }
        if (a.clientSecret() == null) {
          throw new ConfigurationException(
              "fhir.auth client-credentials needs fhir.auth.privateKeyFile or"
                  + " VITALBRIDGE_FHIR_AUTH_CLIENTSECRET in the environment");
        }
        return ClientCredentialsTokenSource.withSecret(
            URI.create(a.tokenUrl()), a.clientId(), a.clientSecret(), a.scope(), clock);
      default:
        throw new ConfigurationException(
            "fhir.auth.type must be none, bearer or client-credentials, not '" + a.type() + "'");
    }
  }
}
