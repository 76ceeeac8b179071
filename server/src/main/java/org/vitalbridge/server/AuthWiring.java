package org.vitalbridge.server;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vitalbridge.core.ConfigurationException;
import org.vitalbridge.security.auth.JwtAuthenticator;
import org.vitalbridge.security.auth.JwtSettings;
import org.vitalbridge.security.auth.LocalCredential;
import org.vitalbridge.security.auth.LocalTokenAuthenticator;
import org.vitalbridge.security.auth.LocalTokens;
import org.vitalbridge.security.auth.Role;
import org.vitalbridge.security.auth.ScopeMapping;
import org.vitalbridge.server.config.VitalBridgeConfig;
import org.vitalbridge.server.http.ApiAccess;
import org.vitalbridge.store.ApiCredentials;
import org.vitalbridge.store.Store;

/** Builds the API's access control from {@code auth.*} (docs/security.md). */
final class AuthWiring {
  private static final Logger log = LoggerFactory.getLogger(AuthWiring.class);

  private AuthWiring() {}

  /**
   * @param console where the first admin token is shown, once (standard output, never the log)
   */
  static ApiAccess access(
      VitalBridgeConfig.ApiAuth auth, Store store, Clock clock, Consumer<String> console) {
    String mode = auth == null || auth.mode() == null ? "local" : auth.mode();
    switch (mode) {
      case "none":
        log.warn(
            "AUTHENTICATION IS OFF (auth.mode: none): anyone who reaches the HTTP API reads PHI"
                + " and changes data. Use it only behind another gate; set auth.mode: local or"
                + " oauth2.");
        return ApiAccess.none();
      case "local":
        bootstrapAdmin(store.credentials(), console);
        return ApiAccess.of(
            new LocalTokenAuthenticator(
                id -> store.credentials().find(id).map(AuthWiring::credential)),
            Map.of());
      case "oauth2":
        JwtSettings settings = settings(auth.oauth2());
        try {
          return ApiAccess.of(JwtAuthenticator.of(settings, clock), scopeNames(auth.oauth2()));
        } catch (IllegalArgumentException e) {
          throw new ConfigurationException(e.getMessage());
        }
      default:
        throw new ConfigurationException(
            "auth.mode must be local, oauth2 or none, not '" + mode + "'");
    }
  }

  /**
   * On first start (no admin token was ever issued) issues one and shows it once; the store keeps
   * only its salted hash, so a lost token is replaced with {@code vitalbridge token create}.
   */
  static void bootstrapAdmin(ApiCredentials credentials, Consumer<String> console) {
    if (credentials.anyIssued(Role.ADMIN.id())) {
      return;
    }
    LocalTokens.Issued issued = new LocalTokens(new SecureRandom()).issue("admin", Role.ADMIN);
    credentials.add(row(issued.credential()));
    console.accept(
        "\n"
            + "==================================================================\n"
            + " VitalBridge admin API token (shown once — store it now):\n\n"
            + "   "
            + issued.token()
            + "\n\n"
            + " Use it as  Authorization: Bearer <token>  or in the console's sign-in.\n"
            + " Only its hash is stored; it cannot be shown again.\n"
            + "==================================================================\n");
    log.info(
        "issued the first admin API token (id {}), shown once on standard output",
        issued.credential().id());
  }

  static ApiCredentials.Row row(LocalCredential c) {
    return new ApiCredentials.Row(c.id(), c.subject(), c.role().id(), c.salt(), c.hash());
  }

  private static LocalCredential credential(ApiCredentials.Row r) {
    return new LocalCredential(r.id(), r.subject(), Role.of(r.role()), r.salt(), r.hash());
  }

  private static JwtSettings settings(VitalBridgeConfig.OAuth2 o) {
    if (o == null) {
      throw new ConfigurationException("auth.oauth2: required with auth.mode: oauth2");
    }
    URI jwks;
    try {
      jwks = o.jwksUrl() == null || o.jwksUrl().isBlank() ? null : URI.create(o.jwksUrl());
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("auth.oauth2.jwksUrl: " + e.getMessage());
    }
    VitalBridgeConfig.Scopes s = o.scopes();
    ScopeMapping scopes =
        s == null
            ? ScopeMapping.defaults()
            : ScopeMapping.of(s.admin(), s.integrator(), s.viewer(), s.device());
    JwtSettings settings =
        new JwtSettings(
            o.issuer(),
            o.audience(),
            jwks,
            o.publicKey(),
            o.hmacSecret(),
            o.algorithms() == null ? java.util.List.of() : o.algorithms(),
            o.clockSkew(),
            scopes);
    var errors = settings.errors();
    if (!errors.isEmpty()) {
      throw new ConfigurationException(String.join("; ", errors));
    }
    return settings;
  }

  private static Map<Role, String> scopeNames(VitalBridgeConfig.OAuth2 o) {
    Map<Role, String> m = new EnumMap<>(Role.class);
    ScopeMapping scopes =
        o.scopes() == null
            ? ScopeMapping.defaults()
            : ScopeMapping.of(
                o.scopes().admin(),
                o.scopes().integrator(),
                o.scopes().viewer(),
                o.scopes().device());
    scopes.scopes().forEach((name, role) -> m.put(role, name));
    return m;
  }
}
