package org.vitalbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Keys and certificates made by the JDK's keytool for each run: an endpoint key for 127.0.0.1, a
 * device key, and PKCS#12 trust stores holding each side's certificate for the other.
 */
final class TestKeys {
  static final String PASSWORD = "test-only";
  static final String DEVICE_SUBJECT = "CN=ACME-0042,O=Acme";

  final Path dir;

  private TestKeys(Path dir) {
    this.dir = dir;
  }

  static TestKeys make(Path dir) throws Exception {
    TestKeys k = new TestKeys(dir);
    k.keytool(
        "-genkeypair",
        "-alias",
        "server",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=ip:127.0.0.1",
        "-validity",
        "2",
        "-keystore",
        k.path("server.p12"));
    k.keytool(
        "-genkeypair",
        "-alias",
        "device",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        DEVICE_SUBJECT,
        "-validity",
        "2",
        "-keystore",
        k.path("device.p12"));
    k.keytool(
        "-exportcert",
        "-alias",
        "server",
        "-rfc",
        "-file",
        k.path("server.pem"),
        "-keystore",
        k.path("server.p12"));
    k.keytool(
        "-exportcert",
        "-alias",
        "device",
        "-rfc",
        "-file",
        k.path("device.pem"),
        "-keystore",
        k.path("device.p12"));
    k.keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "device",
        "-file",
        k.path("device.pem"),
        "-keystore",
        k.path("devices-trusted.p12"));
    k.keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "server",
        "-file",
        k.path("server.pem"),
        "-keystore",
        k.path("server-trusted.p12"));
    return k;
  }

  String path(String name) {
    return dir.resolve(name).toString();
  }

  private void keytool(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
  }

  KeyStore load(String name) throws Exception {
    try (InputStream in = Files.newInputStream(dir.resolve(name))) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, PASSWORD.toCharArray());
      return ks;
    }
  }

  KeyManagerFactory keys(String name) throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(load(name), PASSWORD.toCharArray());
    return kmf;
  }

  TrustManagerFactory trust(String name) throws Exception {
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(load(name));
    return tmf;
  }
}
