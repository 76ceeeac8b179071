package org.vitalbridge.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.server.config.ConfigLoader;
import org.vitalbridge.server.tls.TestPki;

/**
 * The engine with every listener on TLS from PEM files and the configuration alone (as an operator
 * sets it up with docs/pki.md): HTTPS and MQTT (Vert.x, on the reloading managers) take the device
 * certificate, refuse a revoked one and TLS 1.2, and refuse a device sending as another.
 */
class EngineTlsIT {
  @TempDir Path dir;
  private TestPki pki;
  private TestPki.Issued device;
  private TestPki.Issued revoked;

  @BeforeEach
  void pki() {
    pki = new TestPki("Engine Test CA");
    TestPki.Issued server = pki.server("localhost");
    device = pki.device("ACME-0042");
    revoked = pki.device("ACME-0666");
    TestPki.pem(dir.resolve("server.crt"), server.certificate(), pki.ca());
    TestPki.privateKey(dir.resolve("server.key"), server.key());
    TestPki.pem(dir.resolve("ca.crt"), pki.ca());
    TestPki.pem(dir.resolve("ca.crl"), pki.crl(revoked));
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("VITALBRIDGE_STORE_SQLITEFILE", dir.resolve("vb.db").toString());
    env.put("VITALBRIDGE_TEMPLATES", Path.of("..", "config", "templates").toString());
    env.put("VITALBRIDGE_HTTP_PORT", "0");
    env.put("VITALBRIDGE_HL7_MLLP_PORT", "0");
    env.put("VITALBRIDGE_MQTT_EMBEDDED_PORT", "0");
    for (String listener : List.of("HTTP_TLS", "MQTT_EMBEDDED_TLS")) {
      String p = "VITALBRIDGE_" + listener + "_";
      env.put(p + "ENABLED", "true");
      env.put(p + "CERTIFICATE", dir.resolve("server.crt").toString());
      env.put(p + "PRIVATEKEY", dir.resolve("server.key").toString());
      env.put(p + "TRUSTSTORE", dir.resolve("ca.crt").toString());
      env.put(p + "CRL", dir.resolve("ca.crl").toString());
      env.put(p + "REQUIRECLIENTCERTIFICATE", "true");
    }
    return env;
  }

  @Test
  void everyListenerTakesPemKeysACrlAndTls13Only() throws Exception {
    try (Engine engine = Engine.start(ConfigLoader.load(null, env()), Clock.systemUTC())) {
      // HTTPS
      // The device's certificate is its credential for ingest (role device, no token) ...
      assertThat(https(engine, device, "TLSv1.3").statusCode()).isEqualTo(202);
      // ... and for nothing else: reading measurements needs a viewer's token.
      assertThat(https(engine, device, "TLSv1.3", "/api/v1/measurements").statusCode())
          .isEqualTo(403);
      assertThatThrownBy(() -> https(engine, revoked, "TLSv1.3")).isInstanceOf(Exception.class);
      assertThatThrownBy(() -> https(engine, device, "TLSv1.2")).isInstanceOf(Exception.class);
      assertThatThrownBy(() -> https(engine, null, "TLSv1.3")).isInstanceOf(Exception.class);
      // MQTT: its own device succeeds, another device is 0x87, a revoked certificate cannot connect
      assertThat(publish(engine, device, "ACME-0042")).isZero();
      assertThat(publish(engine, device, "ACME-0043")).isEqualTo(0x87);
      assertThatThrownBy(() -> publish(engine, revoked, "ACME-0666")).isInstanceOf(Exception.class);
      // A certificate that names its device only in a subject alternative name
      TestPki.Issued bySan = pki.deviceBySan("ACME-0077");
      assertThat(publish(engine, bySan, "ACME-0077")).isZero();
      assertThat(publish(engine, bySan, "ACME-0042")).isEqualTo(0x87);
    }
  }

  private HttpResponse<String> https(Engine engine, TestPki.Issued who, String protocol)
      throws Exception {
    return https(engine, who, protocol, null);
  }

  /** POSTs the ACME example to ingest, or GETs {@code readPath} when given. */
  private HttpResponse<String> https(
      Engine engine, TestPki.Issued who, String protocol, String readPath) throws Exception {
    SSLParameters params = new SSLParameters();
    params.setProtocols(new String[] {protocol});
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(context(who))
            .sslParameters(params)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    if (readPath != null) {
      return client.send(
          HttpRequest.newBuilder(URI.create("https://localhost:" + engine.httpPort() + readPath))
              .timeout(Duration.ofSeconds(20))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
    return client.send(
        HttpRequest.newBuilder(
                URI.create(
                    "https://localhost:" + engine.httpPort() + "/api/v1/ingest/acme-bedside"))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(20))
            .POST(
                HttpRequest.BodyPublishers.ofByteArray(
                    Files.readAllBytes(Path.of("..", "examples", "acme-bedside.json"))))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private int publish(Engine engine, TestPki.Issued who, String topicDevice) throws Exception {
    Mqtt5BlockingClient client =
        Mqtt5Client.builder()
            .identifier("tls-" + topicDevice)
            .serverHost("localhost")
            .serverPort(engine.mqttPort())
            .sslConfig(
                MqttClientSslConfig.builder()
                    .keyManagerFactory(keys(who))
                    .trustManagerFactory(trust())
                    .protocols(List.of("TLSv1.3"))
                    .build())
            .buildBlocking();
    client.connect();
    try {
      Mqtt5PublishResult r =
          client
              .publishWith()
              .topic("devices/" + topicDevice + "/acme-bedside")
              .qos(MqttQos.AT_LEAST_ONCE)
              .payload(
                  Files.readString(Path.of("..", "examples", "acme-bedside.json"))
                      .replace("ACME-0042", topicDevice)
                      .getBytes(java.nio.charset.StandardCharsets.UTF_8))
              .send();
      return ((Mqtt5PublishResult.Mqtt5Qos1Result) r).getPubAck().getReasonCode().getCode();
    } catch (com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException e) {
      return e.getMqttMessage().getReasonCode().getCode();
    } finally {
      if (client.getState().isConnected()) {
        client.disconnect();
      }
    }
  }

  private SSLContext context(TestPki.Issued who) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(who == null ? null : keys(who).getKeyManagers(), trust().getTrustManagers(), null);
    return ctx;
  }

  private KeyManagerFactory keys(TestPki.Issued who) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    char[] p = "x".toCharArray();
    ks.setKeyEntry(
        "device", who.key().getPrivate(), p, new X509Certificate[] {who.certificate(), pki.ca()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, p);
    return kmf;
  }

  private TrustManagerFactory trust() throws Exception {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(pki.trustStore());
    return tmf;
  }
}
