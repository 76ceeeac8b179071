package org.vitalbridge.server;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.core.ConfigurationException;
import org.vitalbridge.server.config.VitalBridgeConfig;

class TlsContextsTest {
  @TempDir Path tmp;

  @Test
  void tlsWithoutAKeyStoreIsAConfigurationErrorNamingTheKey() {
    assertThatThrownBy(
            () ->
                TlsContexts.server(
                    new VitalBridgeConfig.Tls(true, null, null, null, null, false), "hl7.mllp.tls"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("hl7.mllp.tls.keyStore");
  }

  @Test
  void anUnreadableKeyStoreIsAConfigurationErrorNamingTheFile() throws Exception {
    Path junk = Files.writeString(tmp.resolve("server.p12"), "not a key store");

    assertThatThrownBy(
            () ->
                TlsContexts.server(
                    new VitalBridgeConfig.Tls(true, junk, "x", null, null, false), "hl7.mllp.tls"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(junk.toString());
  }
}
