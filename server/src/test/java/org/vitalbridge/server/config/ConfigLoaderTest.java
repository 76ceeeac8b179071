package org.vitalbridge.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.core.ConfigurationException;

class ConfigLoaderTest {

  @Test
  void embeddedDefaultsNeedNoFile() {
    VitalBridgeConfig c = ConfigLoader.load(null, Map.of());

    assertThat(c.store().backend()).isEqualTo("sqlite");
    assertThat(c.store().sqliteSynchronous()).isEqualTo("FULL");
    assertThat(c.retention().rawMaxAge()).isEqualTo(Duration.ofDays(7));
    assertThat(c.http().port()).isEqualTo(8080);
    assertThat(c.harmonizer().defaultZone()).isNull();
  }

  @Test
  void theDocumentedExampleFileLoads() {
    VitalBridgeConfig c = ConfigLoader.load(Path.of("../config/vitalbridge.yaml"), Map.of());

    assertThat(c.templates()).isEqualTo(Path.of("./config/templates"));
  }

  @Test
  void fileOverridesDefaultsAndEnvironmentOverridesFile(@TempDir Path dir) throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("vb.yaml"), "http:\n  port: 9000\nstore:\n  destinations: [fhir]\n");

    VitalBridgeConfig c =
        ConfigLoader.load(
            file,
            Map.of(
                "VITALBRIDGE_HTTP_PORT", "9100",
                "VITALBRIDGE_STORE_DESTINATIONS", "fhir, hl7",
                "VITALBRIDGE_STORE_POSTGRESQLPASSWORD", "from-env"));

    assertThat(c.http().port()).isEqualTo(9100);
    assertThat(c.http().host()).isEqualTo("127.0.0.1");
    assertThat(c.store().destinations()).containsExactly("fhir", "hl7");
    assertThat(c.store().postgresqlPassword()).isEqualTo("from-env");
  }

  @Test
  void unknownKeysAreErrorsNamingThePath(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("vb.yaml"), "http:\n  prot: 9000\n");

    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("vb.yaml")
        .hasMessageContaining("prot");
  }

  @Test
  void listsFromTheFileReplaceDefaults(@TempDir Path dir) throws IOException {
    Path file =
        Files.writeString(dir.resolve("vb.yaml"), "harmonizer:\n  terminology: [a.yaml, b.yaml]\n");

    assertThat(ConfigLoader.load(file, Map.of()).harmonizer().terminology())
        .isEqualTo(List.of(Path.of("a.yaml"), Path.of("b.yaml")));
  }
}
