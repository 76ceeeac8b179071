package org.vitalbridge.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS every listener uses (MLLP's JDK sockets here; Jetty and Vert.x take the same context and
 * managers), over real sockets with a PKI made by BouncyCastle per run: TLS 1.3 only by default,
 * mutual TLS, a CRL, and key files replaced while listening.
 */
class TlsSetupIT {
  @TempDir Path dir;
  private final ExecutorService accepts = Executors.newCachedThreadPool();
  private SSLServerSocket server;
  private TestPki pki;
  private TestPki.Issued serverCert;

  @BeforeEach
  void pki() {
    pki = new TestPki("VitalBridge Test CA");
    serverCert = pki.server("localhost");
    TestPki.pem(dir.resolve("server.crt"), serverCert.certificate(), pki.ca());
    TestPki.privateKey(dir.resolve("server.key"), serverCert.key());
    TestPki.pem(dir.resolve("ca.crt"), pki.ca());
  }

  @AfterEach
  void close() throws IOException {
    accepts.shutdownNow();
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aTls12OnlyClientIsRefusedByTheDefaultTls13Listener() throws Exception {
    listen(source(null, null, null));

    assertThat(connect(client(null, null), "TLSv1.2")).isEqualTo(Result.REFUSED);
    assertThat(connect(client(null, null), "TLSv1.3")).isEqualTo(Result.ACCEPTED);
  }

  @Test
  void minVersionTls12LetsAnOlderDeviceIn() throws Exception {
    listen(source(null, null, "TLSv1.2"));

    assertThat(connect(client(null, null), "TLSv1.2")).isEqualTo(Result.ACCEPTED);
  }

  @Test
  void aClientWithoutACertificateIsRefusedOnAnMtlsListener() throws Exception {
    listen(source(dir.resolve("ca.crt"), null, null), true);
    TestPki.Issued device = pki.device("monitor-7");

    assertThat(connect(client(null, null), "TLSv1.3")).isEqualTo(Result.REFUSED);
    assertThat(connect(client(device, null), "TLSv1.3")).isEqualTo(Result.ACCEPTED);
  }

  @Test
  void aDeviceFromAnotherCaIsRefused() throws Exception {
    listen(source(dir.resolve("ca.crt"), null, null), true);
    TestPki.Issued stranger = new TestPki("Someone Else").device("monitor-7");

    assertThat(connect(client(stranger, null), "TLSv1.3")).isEqualTo(Result.REFUSED);
  }

  @Test
  void aRevokedDeviceCertificateIsRefusedAndTheOthersAccepted() throws Exception {
    TestPki.Issued revoked = pki.device("monitor-lost");
    TestPki.Issued good = pki.device("monitor-8");
    Path crl = TestPki.pem(dir.resolve("ca.crl"), pki.crl(revoked));
    listen(source(dir.resolve("ca.crt"), crl, null), true);

    assertThat(connect(client(revoked, null), "TLSv1.3")).isEqualTo(Result.REFUSED);
    assertThat(connect(client(good, null), "TLSv1.3")).isEqualTo(Result.ACCEPTED);
  }

  @Test
  void aNewCrlCountsWithoutARestart() throws Exception {
    TestPki.Issued device = pki.device("monitor-9");
    Path crl = TestPki.pem(dir.resolve("ca.crl"), pki.crl());
    listen(source(dir.resolve("ca.crt"), crl, null), true);
    assertThat(connect(client(device, null), "TLSv1.3")).isEqualTo(Result.ACCEPTED);

    TestPki.pem(dir.resolve("ca.crl"), pki.crl(device));
    touch(crl);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> connect(client(device, null), "TLSv1.3") == Result.REFUSED);
  }

  @Test
  void aReplacedServerCertificateIsServedFromTheNextHandshake() throws Exception {
    listen(source(null, null, null));
    assertThat(servedSerial()).isEqualTo(serverCert.serial());

    TestPki.Issued renewed = pki.server("localhost");
    TestPki.pem(dir.resolve("server.crt"), renewed.certificate(), pki.ca());
    TestPki.privateKey(dir.resolve("server.key"), renewed.key());
    touch(dir.resolve("server.crt"));
    touch(dir.resolve("server.key"));

    await().atMost(Duration.ofSeconds(10)).until(() -> renewed.serial().equals(servedSerial()));
  }

  @Test
  void aPkcs12KeyStoreWorksAsWellAsPem() throws Exception {
    char[] password = "test-only".toCharArray();
    Path p12 =
        TestPki.save(pki.keyStore(serverCert, password), dir.resolve("server.p12"), password);
    server =
        listenOn(
            TlsSetup.server(
                new TlsSetup.Source(
                    "test.tls",
                    p12,
                    "test-only",
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    Duration.ofMillis(100))),
            false);

    assertThat(connect(client(null, null), "TLSv1.3")).isEqualTo(Result.ACCEPTED);
  }

  // --- fixture ---

  enum Result {
    ACCEPTED,
    REFUSED
  }

  private TlsSetup.Source source(Path trust, Path crl, String minVersion) {
    return new TlsSetup.Source(
        "test.tls",
        null,
        null,
        dir.resolve("server.crt"),
        dir.resolve("server.key"),
        trust,
        null,
        crl,
        minVersion,
        Duration.ofMillis(100));
  }

  private void listen(TlsSetup.Source source) throws IOException {
    listen(source, false);
  }

  private void listen(TlsSetup.Source source, boolean needClientAuth) throws IOException {
    server = listenOn(TlsSetup.server(source), needClientAuth);
  }

  /** Like MllpListener: the context's server socket, the configured protocols, client auth. */
  private SSLServerSocket listenOn(TlsSetup tls, boolean needClientAuth) throws IOException {
    SSLServerSocket s =
        (SSLServerSocket) tls.context().getServerSocketFactory().createServerSocket();
    s.setEnabledProtocols(tls.protocolArray());
    s.setNeedClientAuth(needClientAuth);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    accepts.submit(
        () -> {
          while (!s.isClosed()) {
            try {
              SSLSocket c = (SSLSocket) s.accept();
              accepts.submit(
                  () -> {
                    try (c) {
                      c.startHandshake();
                      c.getOutputStream().write('!');
                      c.getOutputStream().flush();
                      c.getInputStream().read();
                    } catch (IOException e) {
                      // refused handshake
                    }
                  });
            } catch (IOException e) {
              return;
            }
          }
        });
    return s;
  }

  private SSLContext client(TestPki.Issued device, KeyStore trustOverride) throws Exception {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trustOverride == null ? pki.trustStore() : trustOverride);
    KeyManagerFactory kmf = null;
    if (device != null) {
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      char[] p = "x".toCharArray();
      kmf.init(keyStoreOf(device, p), p);
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  private static KeyStore keyStoreOf(TestPki.Issued device, char[] password) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry(
        "device",
        device.key().getPrivate(),
        password,
        new X509Certificate[] {device.certificate()});
    return ks;
  }

  /** Handshake, then read the listener's byte: with TLS 1.3 a refused client cert shows there. */
  private Result connect(SSLContext ctx, String protocol) {
    try (SSLSocket s =
        (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", server.getLocalPort())) {
      s.setSoTimeout(5000);
      s.setEnabledProtocols(new String[] {protocol});
      s.startHandshake();
      InputStream in = s.getInputStream();
      return in.read() == '!' ? Result.ACCEPTED : Result.REFUSED;
    } catch (IOException e) {
      return Result.REFUSED;
    }
  }

  private BigInteger servedSerial() throws Exception {
    try (SSLSocket s =
        (SSLSocket)
            client(null, null)
                .getSocketFactory()
                .createSocket("127.0.0.1", server.getLocalPort())) {
      s.setSoTimeout(5000);
      s.startHandshake();
      return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }

  /** Moves the modification time on, whatever the file system's time resolution. */
  private static void touch(Path file) throws IOException {
    Files.setLastModifiedTime(
        file, FileTime.from(Files.getLastModifiedTime(file).toInstant().plusSeconds(5)));
  }
}
