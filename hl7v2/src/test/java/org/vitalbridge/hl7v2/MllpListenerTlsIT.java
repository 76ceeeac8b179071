package org.vitalbridge.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.core.testkit.MutableClock;
import org.vitalbridge.store.DeviceIdentityPolicy;
import org.vitalbridge.store.RetentionPolicy;
import org.vitalbridge.store.Store;
import org.vitalbridge.store.StoreConfig;

/**
 * MLLP over TLS 1.3 with device certificates: keys and certificates are made by the JDK's keytool
 * for each run, the device's certificate subject becomes the journaled device identity.
 */
class MllpListenerTlsIT {
  private static final char[] PASSWORD = "test-only".toCharArray();
  private static final String DEVICE_SUBJECT = "CN=monitor-0123456789ABCDEF,O=Acme";

  @TempDir static Path keys;
  @TempDir Path tmp;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T10:16:00Z"));
  private Store store;
  private MllpListener listener;

  @BeforeAll
  static void makeKeys() throws Exception {
    keytool(
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
        keys.resolve("server.p12").toString());
    keytool(
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
        keys.resolve("device.p12").toString());
    keytool(
        "-exportcert",
        "-alias",
        "server",
        "-rfc",
        "-file",
        keys.resolve("server.pem").toString(),
        "-keystore",
        keys.resolve("server.p12").toString());
    keytool(
        "-exportcert",
        "-alias",
        "device",
        "-rfc",
        "-file",
        keys.resolve("device.pem").toString(),
        "-keystore",
        keys.resolve("device.p12").toString());
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "device",
        "-file",
        keys.resolve("device.pem").toString(),
        "-keystore",
        keys.resolve("devices-trusted.p12").toString());
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "server",
        "-file",
        keys.resolve("server.pem").toString(),
        "-keystore",
        keys.resolve("server-trusted.p12").toString());
  }

  private static void keytool(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", new String(PASSWORD)));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
  }

  private static KeyStore load(String name) throws Exception {
    try (InputStream in = Files.newInputStream(keys.resolve(name))) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, PASSWORD);
      return ks;
    }
  }

  private static SSLContext context(String keyStore, String trustStore) throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    if (keyStore != null) {
      kmf.init(load(keyStore), PASSWORD);
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(load(trustStore));
    SSLContext c = SSLContext.getInstance("TLS");
    c.init(keyStore == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return c;
  }

  /**
   * The certificate is the monitor's; its gateway's MSH-3 (universal id) and its own EUI-64 in
   * OBX-18 are the names it is granted.
   */
  private static final DeviceIdentityPolicy GRANTED =
      new DeviceIdentityPolicy(
          Map.of("monitor-0123456789ABCDEF", List.of("ACDE48234567ABCD", "0123456789ABCDEF")));

  private void start(boolean requireClientCertificate) throws Exception {
    start(requireClientCertificate, GRANTED);
  }

  private void start(boolean requireClientCertificate, DeviceIdentityPolicy identities)
      throws Exception {
    store =
        Store.open(
            StoreConfig.sqlite(tmp.resolve("vb.db")).withDeviceIdentities(identities),
            MllpListenerIT.PROCESSOR,
            clock,
            new RetentionPolicy(null, null, 0, 0));
    MllpListenerConfig plain = MllpListenerIT.config(Duration.ofMinutes(1));
    listener =
        new MllpListener(
            new MllpListenerConfig(
                plain.host(),
                0,
                plain.maxConnections(),
                plain.idleTimeout(),
                plain.maxMessageBytes(),
                plain.defaultCharset(),
                plain.commitTimeout(),
                new MllpListenerConfig.Tls(
                    context("server.p12", "devices-trusted.p12"), requireClientCertificate)),
            store,
            MllpListenerIT.PROCESSOR,
            clock);
    listener.start();
  }

  @AfterEach
  void stop() {
    if (listener != null) {
      listener.close();
    }
    if (store != null) {
      store.close();
    }
  }

  private String send(SSLContext client, String... protocols) throws Exception {
    try (SSLSocket s =
        (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", listener.port())) {
      s.setSoTimeout(30_000);
      if (protocols.length > 0) {
        s.setEnabledProtocols(protocols);
      }
      MllpFrameReader.write(
          s.getOutputStream(),
          MllpListenerIT.er7Bytes(
              MllpListenerIT.fixture("oru-containment.hl7"), StandardCharsets.UTF_8));
      MllpFrameReader.Frame ack = new MllpFrameReader(s.getInputStream(), 1 << 20).next();
      return ack == null
          ? null
          : new String(((MllpFrameReader.Frame.Message) ack).payload(), StandardCharsets.UTF_8);
    }
  }

  /** The handshake failed (at once, or as the connection closing before any answer). */
  private boolean refused(SSLContext client, String... protocols) {
    try {
      return send(client, protocols) == null;
    } catch (IOException e) {
      return true;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private List<String> quarantined() throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("vb.db"));
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT reason, field FROM quarantine WHERE resolved_at IS NULL")) {
      while (rs.next()) {
        out.add(rs.getString(1) + " " + rs.getString(2));
      }
    }
    return out;
  }

  private List<String> journaledIdentities() throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("vb.db"));
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT device_identity FROM raw_message")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  @Test
  void aDeviceWithATrustedCertificateIsAcknowledgedAndIdentifiedByIt() throws Exception {
    start(true);

    String ack = send(context("device.p12", "server-trusted.p12"));

    assertThat(ack).contains("MSA|AA|MSG0002");
    assertThat(journaledIdentities()).containsExactly(DEVICE_SUBJECT);
  }

  @Test
  void aCertificateSendingAsAnotherSenderIsAnsweredArQuarantinedAndAudited() throws Exception {
    start(true, DeviceIdentityPolicy.SELF_ONLY);

    String ack = send(context("device.p12", "server-trusted.p12"));

    assertThat(ack).contains("MSA|AR|MSG0002").contains("ACDE48234567ABCD");
    // The journal's commit signals the pipeline, which may be writing this very message: wait
    // (reading through a connection of our own, whose snapshot is always the latest).
    List<String> reasons = quarantined();
    for (int i = 0; i < 100 && reasons.isEmpty(); i++) {
      store.pipeline().drain();
      Thread.sleep(50);
      reasons = quarantined();
    }
    assertThat(reasons).containsExactly("not-authorized MSH-3");
    assertThat(store.measurements().count()).isZero();
    List<String> audit = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("vb.db"));
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT actor, action, outcome FROM audit")) {
      while (rs.next()) {
        audit.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
      }
    }
    assertThat(audit).containsExactly(DEVICE_SUBJECT + " mllp.send-as-other-device refused AR");
  }

  @Test
  void aDeviceWithoutACertificateIsRefusedWhenOneIsRequired() throws Exception {
    start(true);

    assertThat(refused(context(null, "server-trusted.p12"))).isTrue();
    assertThat(journaledIdentities()).isEmpty();
  }

  @Test
  void aDeviceWithoutACertificateIsAnonymousWhenNoneIsRequired() throws Exception {
    start(false);

    assertThat(send(context(null, "server-trusted.p12"))).contains("MSA|AA|");
    assertThat(journaledIdentities()).containsExactly((String) null);
  }

  @Test
  void tlsOlderThan13IsRefused() throws Exception {
    start(false);

    assertThat(refused(context("device.p12", "server-trusted.p12"), "TLSv1.2")).isTrue();
    assertThat(journaledIdentities()).isEmpty();
  }
}
