package org.vitalbridge.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.core.ConfigurationException;
import org.vitalbridge.server.config.ConfigLoader;
import org.vitalbridge.server.config.VitalBridgeConfig;
import org.vitalbridge.store.Store;

/** {@code auth.*} from configuration: local bootstrap once, oauth2 settings checked, bad modes. */
class AuthWiringTest {
  @TempDir Path tmp;

  private VitalBridgeConfig config(Map<String, String> env) {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("VITALBRIDGE_STORE_SQLITEFILE", tmp.resolve("vb.db").toString());
    return ConfigLoader.load(null, all);
  }

  @Test
  void localModeShowsTheFirstAdminTokenOnceAndStoresOnlyItsHash() {
    VitalBridgeConfig c = config(Map.of());
    assertThat(c.auth().mode()).isEqualTo("local");
    List<String> shown = new ArrayList<>();
    try (Store store = Engine.openStore(c, Clock.systemUTC())) {
      AuthWiring.access(c.auth(), store, Clock.systemUTC(), shown::add);
      AuthWiring.access(c.auth(), store, Clock.systemUTC(), shown::add);
    }
    assertThat(shown).hasSize(1);
    String token = ShownTokens.admin(shown.get(0));
    try (Store store = Engine.openStore(c, Clock.systemUTC())) {
      String id = token.substring(3, token.indexOf('.'));
      assertThat(store.credentials().find(id))
          .hasValueSatisfying(
              r -> {
                assertThat(r.role()).isEqualTo("admin");
                assertThat(r.hash()).doesNotContain(token.substring(token.indexOf('.') + 1));
              });
      // A restart shows nothing: the token is not kept.
      AuthWiring.access(c.auth(), store, Clock.systemUTC(), shown::add);
    }
    assertThat(shown).hasSize(1);
  }

  @Test
  void oauth2NeedsIssuerAndOneKeySourceAndRefusesAlgNone() {
    VitalBridgeConfig c =
        config(
            Map.of(
                "VITALBRIDGE_AUTH_MODE", "oauth2", "VITALBRIDGE_AUTH_OAUTH2_ALGORITHMS", "none"));
    try (Store store = Engine.openStore(c, Clock.systemUTC())) {
      assertThatThrownBy(() -> AuthWiring.access(c.auth(), store, Clock.systemUTC(), s -> {}))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("auth.oauth2.issuer")
          .hasMessageContaining("exactly one of jwksUrl, publicKey or hmacSecret")
          .hasMessageContaining("'none' is never accepted");
    }
    VitalBridgeConfig ok =
        config(
            Map.of(
                "VITALBRIDGE_AUTH_MODE", "oauth2",
                "VITALBRIDGE_AUTH_OAUTH2_ISSUER", "https://idp.example.org",
                "VITALBRIDGE_AUTH_OAUTH2_JWKSURL", "https://idp.example.org/certs"));
    try (Store store = Engine.openStore(ok, Clock.systemUTC())) {
      assertThat(AuthWiring.access(ok.auth(), store, Clock.systemUTC(), s -> {})).isNotNull();
    }
  }

  @Test
  void anUnknownModeIsAConfigurationError() {
    VitalBridgeConfig c = config(Map.of("VITALBRIDGE_AUTH_MODE", "basic"));
    try (Store store = Engine.openStore(c, Clock.systemUTC())) {
      assertThatThrownBy(() -> AuthWiring.access(c.auth(), store, Clock.systemUTC(), s -> {}))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("local, oauth2 or none");
    }
  }
}
