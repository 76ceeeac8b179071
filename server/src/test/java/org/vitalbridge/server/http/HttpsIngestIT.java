package org.vitalbridge.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.vitalbridge.server.http.ApiFixture.example;
import static org.vitalbridge.server.http.ApiFixture.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS, TLS 1.3 only, with device certificates: a test CA, a server key and a device key are made
 * by the JDK's keytool for each run; the device's certificate subject becomes the journaled
 * identity.
 */
class HttpsIngestIT {
  private static final String PASSWORD = "test-only";
  // The certificate names the device the example payload is from: a device sends as itself.
  private static final String DEVICE_SUBJECT = "CN=ACME-0042,O=Acme";

  @TempDir static Path keys;
  private static KeyStore trust;
  private static KeyStore serverKey;
  private static KeyStore deviceKey;

  @TempDir Path tmp;
  private ApiFixture f;

  @BeforeAll
  static void makeKeys() throws Exception {
    // Three rounds of keytool processes, each round in parallel.
    run(
        List.of(
            List.of(
                "-genkeypair",
                "-alias",
                "ca",
                "-dname",
                "CN=VitalBridge Test CA",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-validity",
                "2",
                "-ext",
                "bc:c",
                "-keystore",
                "ca.p12"),
            List.of(
                "-genkeypair",
                "-alias",
                "server",
                "-dname",
                "CN=localhost",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-validity",
                "2",
                "-keystore",
                "server.p12"),
            List.of(
                "-genkeypair",
                "-alias",
                "device",
                "-dname",
                DEVICE_SUBJECT,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-validity",
                "2",
                "-keystore",
                "device.p12")));
    run(
        List.of(
            List.of("-exportcert", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.crt"),
            List.of("-certreq", "-alias", "server", "-keystore", "server.p12", "-file", "s.csr"),
            List.of("-certreq", "-alias", "device", "-keystore", "device.p12", "-file", "d.csr")));
    run(
        List.of(
            List.of(
                "-gencert",
                "-alias",
                "ca",
                "-keystore",
                "ca.p12",
                "-infile",
                "s.csr",
                "-outfile",
                "s.crt",
                "-validity",
                "2",
                "-ext",
                "san=ip:127.0.0.1,dns:localhost",
                "-ext",
                "eku=serverAuth"),
            List.of(
                "-gencert",
                "-alias",
                "ca",
                "-keystore",
                "ca.p12",
                "-infile",
                "d.csr",
                "-outfile",
                "d.crt",
                "-validity",
                "2",
                "-ext",
                "eku=clientAuth")));
    Certificate ca = certificate("ca.crt");
    trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    serverKey = signed("server.p12", "server", "s.crt", ca);
    deviceKey = signed("device.p12", "device", "d.crt", ca);
  }

  private static void run(List<List<String>> commands) throws Exception {
    List<Process> running = new ArrayList<>();
    for (List<String> args : commands) {
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
      cmd.addAll(args);
      cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
      running.add(
          new ProcessBuilder(cmd).directory(keys.toFile()).redirectErrorStream(true).start());
    }
    for (Process p : running) {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor()).as(out).isZero();
    }
  }

  private static Certificate certificate(String file) throws Exception {
    try (InputStream in = Files.newInputStream(keys.resolve(file))) {
      return CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  /** The key store {@code file} with its key's certificate replaced by the CA-signed chain. */
  private static KeyStore signed(String file, String alias, String certificate, Certificate ca)
      throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keys.resolve(file))) {
      ks.load(in, PASSWORD.toCharArray());
    }
    Key key = ks.getKey(alias, PASSWORD.toCharArray());
    ks.setKeyEntry(
        alias, key, PASSWORD.toCharArray(), new Certificate[] {certificate(certificate), ca});
    return ks;
  }

  private static SSLContext context(KeyStore key) throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    if (key != null) {
      kmf.init(key, PASSWORD.toCharArray());
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext c = SSLContext.getInstance("TLS");
    c.init(key == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return c;
  }

  private static HttpClient client(KeyStore key, String... protocols) throws Exception {
    SSLParameters params = new SSLParameters();
    params.setProtocols(protocols.length == 0 ? new String[] {"TLSv1.3"} : protocols);
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .sslContext(context(key))
        .sslParameters(params)
        .build();
  }

  private void start(boolean requireClientCertificate) throws Exception {
    SSLContext server = context(serverKey);
    f =
        ApiFixture.start(
            tmp, c -> c.withTls(HttpApiConfig.Tls.of(server, requireClientCertificate)));
  }

  private HttpResponse<byte[]> post(HttpClient client) throws Exception {
    return post(client, "", example("acme-bedside.json"));
  }

  private HttpResponse<byte[]> post(HttpClient client, String query, byte[] body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(
                URI.create(
                    "https://127.0.0.1:" + f.api.port() + "/api/v1/ingest/acme-bedside" + query))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  @Test
  void aDeviceWithACertificateIsAcceptedOverTls13AndItsSubjectIsJournaledAsItsIdentity()
      throws Exception {
    start(true);

    HttpResponse<byte[]> r = post(client(deviceKey));

    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(r.sslSession())
        .hasValueSatisfying(s -> assertThat(s.getProtocol()).isEqualTo("TLSv1.3"));
    JsonNode item = json(r).path("items").get(0);
    assertThat(item.path("measurementIds")).hasSize(6);
    assertThat(f.raw(item.path("rawId").asText()).orElseThrow().message().deviceIdentity())
        .isEqualTo(DEVICE_SUBJECT);
  }

  @Test
  void aDeviceNamingAnotherDeviceInTheUrlIsRefused403QuarantinedAndAudited() throws Exception {
    start(true);

    HttpResponse<byte[]> r =
        post(client(deviceKey), "?device=ACME-0099", example("acme-bedside.json"));

    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    assertThat(json(r).path("type").asText()).endsWith("forbidden-device");
    // The refused bytes reach the quarantine through the pipeline, which runs on its own.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(f.store.quarantine().find(null, true, 0, 10))
                    .singleElement()
                    .satisfies(q -> assertThat(q.reason()).isEqualTo("not-authorized")));
    assertThat(audited()).contains("http.send-as-other-device refused");
  }

  @Test
  void aPayloadNamingAnotherDeviceIsRefused403AndNothingOfItIsStored() throws Exception {
    start(true);
    byte[] other =
        new String(example("acme-bedside.json"), StandardCharsets.UTF_8)
            .replace("ACME-0042", "ACME-0099")
            .getBytes(StandardCharsets.UTF_8);

    HttpResponse<byte[]> r = post(client(deviceKey), "", other);

    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(json(r).path("type").asText()).endsWith("forbidden-device");
    f.store.pipeline().drain();
    assertThat(f.store.measurements().count()).isZero();
    assertThat(audited()).contains("http.send-as-other-device refused");
  }

  /** The audit rows as "action outcome", straight from the database. */
  private List<String> audited() throws Exception {
    List<String> out = new ArrayList<>();
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("vb.db"));
        var rs = c.createStatement().executeQuery("SELECT action, outcome FROM audit")) {
      while (rs.next()) {
        out.add(rs.getString(1) + " " + rs.getString(2));
      }
    }
    return out;
  }

  @Test
  void aWebSocketSenderWithACertificateIsJournaledWithItsIdentity() throws Exception {
    start(true);

    try (WsClient ws =
        WsClient.connect(
            client(deviceKey),
            URI.create("wss://127.0.0.1:" + f.api.port() + "/api/v1/ingest/acme-bedside/ws"))) {
      ws.send(new String(example("acme-bedside.json"), StandardCharsets.UTF_8));
      await().atMost(Duration.ofSeconds(20)).until(() -> !ws.messages.isEmpty());
      JsonNode ack = ws.json().get(0);
      assertThat(ack.path("status").asInt()).isEqualTo(202);
      String rawId = ack.path("body").path("items").get(0).path("rawId").asText();
      assertThat(f.raw(rawId).orElseThrow().message().deviceIdentity()).isEqualTo(DEVICE_SUBJECT);
    }
  }

  @Test
  void withoutRequiredClientCertificatesADeviceWithoutOneIsAcceptedWithoutIdentity()
      throws Exception {
    start(false);

    HttpResponse<byte[]> r = post(client(null));

    assertThat(r.statusCode()).isEqualTo(202);
    String rawId = json(r).path("items").get(0).path("rawId").asText();
    assertThat(f.raw(rawId).orElseThrow().message().deviceIdentity()).isNull();
  }

  @Test
  void aRequiredClientCertificateThatIsMissingIsRefusedAndNothingIsStored() throws Exception {
    start(true);
    HttpClient anonymous = client(null);

    assertThatThrownBy(() -> post(anonymous)).isInstanceOf(IOException.class);
    assertThat(f.rawCount()).isZero();
  }

  @Test
  void aTls12OnlyClientIsRefused() throws Exception {
    start(false);
    HttpClient old = client(deviceKey, "TLSv1.2");

    assertThatThrownBy(() -> post(old)).isInstanceOf(IOException.class);
    assertThat(f.rawCount()).isZero();
  }

  @Test
  void theTlsListenerIsTheOnlyOne() throws Exception {
    start(false);

    // Plain HTTP on the same port is not served as HTTP.
    HttpResponse<byte[]> plain = null;
    try {
      plain =
          f.post("/api/v1/ingest/acme-bedside", "application/json", example("acme-bedside.json"));
    } catch (IOException refused) {
      // A closed connection is as good as a refusal.
    }
    assertThat(plain == null || plain.statusCode() != 202).isTrue();
    assertThat(f.rawCount()).isZero();
  }
}
