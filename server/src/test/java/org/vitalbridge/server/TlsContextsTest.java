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

  @Test
  void anUnknownMinVersionIsAConfigurationErrorNamingTheKey() throws Exception {
    org.vitalbridge.server.tls.TestPki pki = new org.vitalbridge.server.tls.TestPki("CA");
    org.vitalbridge.server.tls.TestPki.Issued server = pki.server("localhost");
    Path crt = org.vitalbridge.server.tls.TestPki.pem(tmp.resolve("s.crt"), server.certificate());
    Path key = org.vitalbridge.server.tls.TestPki.privateKey(tmp.resolve("s.key"), server.key());

    assertThatThrownBy(
            () ->
                TlsContexts.server(
                    new VitalBridgeConfig.Tls(
                        true, null, null, null, null, false, crt, key, null, "TLSv1.1", null),
                    "http.tls"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("http.tls.minVersion must be TLSv1.3 or TLSv1.2");
  }

  @Test
  void aNonPkcs8PemKeyIsRefusedWithTheConversionCommand() throws Exception {
    org.vitalbridge.server.tls.TestPki pki = new org.vitalbridge.server.tls.TestPki("CA");
    Path crt =
        org.vitalbridge.server.tls.TestPki.pem(
            tmp.resolve("s.crt"), pki.server("localhost").certificate());
    Path key =
        Files.writeString(
            tmp.resolve("s.key"),
            "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");

    assertThatThrownBy(
            () ->
                TlsContexts.server(
                    new VitalBridgeConfig.Tls(
                        true, null, null, null, null, false, crt, key, null, null, null),
                    "hl7.mllp.tls"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("openssl pkcs8 -topk8");
  }

  @Test
  void aCrlWithoutTheCasItBelongsToIsAConfigurationError() throws Exception {
    org.vitalbridge.server.tls.TestPki pki = new org.vitalbridge.server.tls.TestPki("CA");
    org.vitalbridge.server.tls.TestPki.Issued server = pki.server("localhost");
    Path crt = org.vitalbridge.server.tls.TestPki.pem(tmp.resolve("s.crt"), server.certificate());
    Path key = org.vitalbridge.server.tls.TestPki.privateKey(tmp.resolve("s.key"), server.key());
    Path crl = org.vitalbridge.server.tls.TestPki.pem(tmp.resolve("ca.crl"), pki.crl());

    assertThatThrownBy(
            () ->
                TlsContexts.server(
                    new VitalBridgeConfig.Tls(
                        true, null, null, null, null, false, crt, key, crl, null, null),
                    "mqtt.embedded.tls"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("mqtt.embedded.tls.crl needs mqtt.embedded.tls.trustStore");
  }
}
