package org.vitalbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAck;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.store.Devices;
import org.vitalbridge.store.QuarantineEntry;

/** TLS 1.3 with device certificates: the certificate's CN is the device, topics must name it. */
class EmbeddedTlsIT extends EmbeddedSupport {
  @TempDir static Path keyDir;
  static TestKeys keys;
  private Mqtt5BlockingClient client;

  @BeforeAll
  static void makeKeys() throws Exception {
    keys = TestKeys.make(keyDir);
  }

  @AfterEach
  void disconnect() {
    if (client != null && client.getState().isConnected()) {
      client.disconnect();
    }
  }

  private void startTls(boolean requireClientCertificate) {
    start(
        embedded()
            .withEmbedded(
                new MqttConfig.Embedded(
                    "127.0.0.1",
                    0,
                    100,
                    new MqttConfig.Tls(
                        Path.of(keys.path("server.p12")),
                        TestKeys.PASSWORD,
                        Path.of(keys.path("devices-trusted.p12")),
                        TestKeys.PASSWORD,
                        requireClientCertificate))));
  }

  private Mqtt5BlockingClient tlsDevice(String clientId, boolean withCertificate, String protocol)
      throws Exception {
    MqttClientSslConfig ssl =
        MqttClientSslConfig.builder()
            .keyManagerFactory(withCertificate ? keys.keys("device.p12") : null)
            .trustManagerFactory(keys.trust("server-trusted.p12"))
            .protocols(List.of(protocol))
            .build();
    client =
        Mqtt5Client.builder()
            .identifier(clientId)
            .serverHost("127.0.0.1")
            .serverPort(ingest.port())
            .sslConfig(ssl)
            .buildBlocking();
    client.connect();
    return client;
  }

  @Test
  void theCertificateCnIsTheDeviceAndItsSubjectTheJournaledIdentity() throws Exception {
    startTls(true);
    Mqtt5BlockingClient device = tlsDevice("gateway-7", true, "TLSv1.3");

    Mqtt5PubAck ack =
        pubAck(device, "devices/ACME-0042/acme-bedside", Fixtures.reading("ACME-0042", 0));

    assertThat(ack.getReasonCode().getCode()).isZero();
    assertThat(journal())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.identity()).isEqualTo(TestKeys.DEVICE_SUBJECT);
              assertThat(r.source()).contains("client gateway-7");
            });
    // Presence is the certificate's device, not the MQTT client id.
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> store.devices().find("ACME-0042").isPresent());
    assertThat(store.devices().find("ACME-0042").orElseThrow().connectionState())
        .isEqualTo(Devices.ONLINE);
    assertThat(store.devices().find("gateway-7")).isEmpty();
  }

  @Test
  void aTopicNamingAnotherDeviceIsAnswered0x87AndQuarantined() throws Exception {
    startTls(true);
    Mqtt5BlockingClient device = tlsDevice("gateway-7", true, "TLSv1.3");
    byte[] reading = Fixtures.reading("ACME-9999", 0);

    Mqtt5PubAck ack = pubAck(device, "devices/ACME-9999/acme-bedside", reading);

    assertThat(ack.getReasonCode().getCode()).isEqualTo(0x87);
    assertThat(ack.getReasonString().map(Object::toString).orElse(""))
        .contains("ACME-9999")
        .contains("ACME-0042");
    List<QuarantineEntry> q = quarantine();
    assertThat(q).singleElement().extracting(QuarantineEntry::reason).isEqualTo("not-authorized");
    assertThat(quarantinedBytes(q.get(0))).isEqualTo(reading);
    assertThat(measurements()).isEmpty();
    assertThat(audited()).containsExactly("mqtt.send-as-other-device refused 0x87");
  }

  @Test
  void aPayloadNamingAnotherDeviceOnItsOwnTopicIsAnswered0x87AndAudited() throws Exception {
    startTls(true);
    Mqtt5BlockingClient device = tlsDevice("gateway-7", true, "TLSv1.3");
    byte[] reading = Fixtures.reading("ACME-9999", 0);

    Mqtt5PubAck ack = pubAck(device, "devices/ACME-0042/acme-bedside", reading);

    assertThat(ack.getReasonCode().getCode()).isEqualTo(0x87);
    assertThat(quarantine())
        .singleElement()
        .extracting(QuarantineEntry::reason)
        .isEqualTo("not-authorized");
    assertThat(measurements()).isEmpty();
    assertThat(audited()).containsExactly("mqtt.send-as-other-device refused");
  }

  /** The audit rows as "action outcome", straight from the database. */
  private List<String> audited() throws Exception {
    List<String> out = new java.util.ArrayList<>();
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db());
        var rs = c.createStatement().executeQuery("SELECT action, outcome FROM audit")) {
      while (rs.next()) {
        out.add(rs.getString(1) + " " + rs.getString(2));
      }
    }
    return out;
  }

  @Test
  void withoutACertificateTheClientIdIsTheDeviceAndAnyTopicDeviceIsAccepted() throws Exception {
    startTls(false);
    Mqtt5BlockingClient device = tlsDevice("MON-9", false, "TLSv1.3");

    assertThat(
            pubAck(device, "devices/ACME-1/acme-bedside", Fixtures.reading("ACME-1", 0))
                .getReasonCode()
                .getCode())
        .isZero();
    assertThat(journal()).singleElement().extracting(Raw::identity).isNull();
  }

  @Test
  void tls12IsRefused() {
    startTls(false);

    assertThatThrownBy(() -> tlsDevice("old-stack", true, "TLSv1.2"))
        .hasRootCauseInstanceOf(SSLHandshakeException.class);
    assertThat(rawCount()).isZero();
  }

  @Test
  void aDeviceWithoutACertificateIsRefusedWhenOneIsRequired() {
    startTls(true);

    assertThatThrownBy(() -> tlsDevice("anonymous", false, "TLSv1.3"))
        .isInstanceOf(RuntimeException.class);
    assertThat(rawCount()).isZero();
  }

  @Test
  void plainTcpIsNotSpokenOnATlsPort() throws Exception {
    startTls(false);
    boolean refused;
    try (RawMqtt plain = new RawMqtt(ingest.port())) {
      refused = plain.connect("plain").type() != RawMqtt.CONNACK;
    } catch (IOException e) {
      refused = true;
    }
    assertThat(refused).isTrue();
  }
}
