package org.vitalbridge.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.server.config.ConfigLoader;
import org.vitalbridge.server.tls.TestPki;

/**
 * Outbound TLS from configuration: the FHIR destination (https) and the HL7 v2 destination (MLLP
 * over TLS) trust the CA of {@code clientTls.trustStore} (PEM), present a client certificate for
 * mutual TLS, speak TLS 1.3, and send nothing to a server that offers only TLS 1.2.
 */
class OutboundTlsIT {
  @TempDir Path dir;
  private TestPki pki;
  private SSLContext serverContext;
  private final List<String> fhirProtocols = new CopyOnWriteArrayList<>();
  private final List<String> ehrPeers = new CopyOnWriteArrayList<>();
  private HttpsServer fhir;
  private SSLServerSocket ehr;

  @BeforeEach
  void pki() throws Exception {
    pki = new TestPki("Outbound Test CA");
    TestPki.Issued server = pki.server("localhost");
    TestPki.Issued client = pki.device("vitalbridge-node-1");
    TestPki.pem(dir.resolve("ca.crt"), pki.ca());
    TestPki.pem(dir.resolve("client.crt"), client.certificate(), pki.ca());
    TestPki.privateKey(dir.resolve("client.key"), client.key());
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry(
        "s", server.key().getPrivate(), new char[0], new X509Certificate[] {server.certificate()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
    tmf.init(pki.trustStore());
    serverContext = SSLContext.getInstance("TLS");
    serverContext.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
  }

  @AfterEach
  void stop() throws IOException {
    if (fhir != null) {
      fhir.stop(0);
    }
    if (ehr != null) {
      ehr.close();
    }
  }

  private void startPeers(String... protocols) throws IOException {
    fhir = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    fhir.setHttpsConfigurator(
        new HttpsConfigurator(serverContext) {
          @Override
          public void configure(HttpsParameters params) {
            javax.net.ssl.SSLParameters p = serverContext.getDefaultSSLParameters();
            p.setProtocols(protocols);
            p.setNeedClientAuth(true);
            params.setSSLParameters(p);
          }
        });
    fhir.createContext(
        "/fhir",
        exchange -> {
          fhirProtocols.add(
              ((com.sun.net.httpserver.HttpsExchange) exchange).getSSLSession().getProtocol());
          exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(500, -1);
          exchange.close();
        });
    fhir.start();
    ehr = (SSLServerSocket) serverContext.getServerSocketFactory().createServerSocket();
    ehr.setEnabledProtocols(protocols);
    ehr.setNeedClientAuth(true);
    ehr.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread t =
        new Thread(
            () -> {
              while (!ehr.isClosed()) {
                try (SSLSocket s = (SSLSocket) ehr.accept()) {
                  s.startHandshake();
                  ehrPeers.add(
                      s.getSession().getProtocol()
                          + " "
                          + ((X509Certificate) s.getSession().getPeerCertificates()[0])
                              .getSubjectX500Principal()
                              .getName());
                  frame(s.getInputStream());
                } catch (IOException e) {
                  // refused handshake or closed
                }
              }
            });
    t.setDaemon(true);
    t.start();
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("VITALBRIDGE_STORE_SQLITEFILE", dir.resolve("vb.db").toString());
    env.put("VITALBRIDGE_TEMPLATES", Path.of("..", "config", "templates").toString());
    env.put("VITALBRIDGE_HTTP_PORT", "0");
    env.put("VITALBRIDGE_HL7_MLLP_PORT", "0");
    env.put("VITALBRIDGE_MQTT_MODE", "off");
    // Outbound TLS is under test here; API access control has its own tests.
    env.put("VITALBRIDGE_AUTH_MODE", "none");
    env.put("VITALBRIDGE_FHIR_ENABLED", "true");
    env.put(
        "VITALBRIDGE_FHIR_BASEURL", "https://localhost:" + fhir.getAddress().getPort() + "/fhir");
    env.put("VITALBRIDGE_HL7_DESTINATION_ENABLED", "true");
    env.put("VITALBRIDGE_HL7_DESTINATION_HOST", "localhost");
    env.put("VITALBRIDGE_HL7_DESTINATION_PORT", Integer.toString(ehr.getLocalPort()));
    env.put("VITALBRIDGE_HL7_DESTINATION_TLS", "true");
    for (String p :
        List.of("VITALBRIDGE_FHIR_CLIENTTLS_", "VITALBRIDGE_HL7_DESTINATION_CLIENTTLS_")) {
      env.put(p + "TRUSTSTORE", dir.resolve("ca.crt").toString());
      env.put(p + "CERTIFICATE", dir.resolve("client.crt").toString());
      env.put(p + "PRIVATEKEY", dir.resolve("client.key").toString());
    }
    return env;
  }

  @Test
  void bothDestinationsSpeakTls13WithTheConfiguredCaAndClientCertificate() throws Exception {
    startPeers("TLSv1.3");
    try (Engine engine = Engine.start(ConfigLoader.load(null, env()), Clock.systemUTC())) {
      ingest(engine);

      await().atMost(Duration.ofSeconds(30)).until(() -> !fhirProtocols.isEmpty());
      await().atMost(Duration.ofSeconds(30)).until(() -> !ehrPeers.isEmpty());
    }
    assertThat(fhirProtocols).containsOnly("TLSv1.3");
    assertThat(ehrPeers)
        .first()
        .asString()
        .startsWith("TLSv1.3 ")
        .contains("CN=vitalbridge-node-1");
  }

  @Test
  void aServerOfferingOnlyTls12GetsNothing() throws Exception {
    startPeers("TLSv1.2");
    try (Engine engine = Engine.start(ConfigLoader.load(null, env()), Clock.systemUTC())) {
      ingest(engine);
      Thread.sleep(3000);
    }
    assertThat(fhirProtocols).isEmpty();
    assertThat(ehrPeers).isEmpty();
  }

  private static void ingest(Engine engine) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + engine.httpPort()
                                + "/api/v1/ingest/acme-bedside"))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofByteArray(
                            Files.readAllBytes(Path.of("..", "examples", "acme-bedside.json"))))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(202);
  }

  private static String frame(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1 && c != 0x1c) {
      b.write(c);
    }
    return b.toString(StandardCharsets.UTF_8);
  }
}
