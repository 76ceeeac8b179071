package org.vitalbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vitalbridge.store.Devices;

/** Presence from the embedded endpoint's connections: connect, DISCONNECT, lost, will, takeover. */
class PresenceIT extends EmbeddedSupport {

  private Optional<Devices.DeviceState> state(String device) {
    return store.devices().find(device);
  }

  private void awaitState(String device, String state, String reason) {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(state(device))
                    .hasValueSatisfying(
                        s -> {
                          assertThat(s.connectionState()).isEqualTo(state);
                          assertThat(s.stateReason()).isEqualTo(reason);
                          assertThat(s.adapter()).isEqualTo("mqtt");
                        }));
  }

  @Test
  void connectAndACleanDisconnectAreRecorded() {
    start(embedded());
    Mqtt5BlockingClient d = device("MON-1");
    awaitState("MON-1", Devices.ONLINE, "connect");

    d.disconnect();

    awaitState("MON-1", Devices.OFFLINE, "disconnect");
  }

  @Test
  void aConnectionDroppedWithoutDisconnectIsConnectionLost() throws Exception {
    start(embedded());
    try (RawMqtt c = new RawMqtt(ingest.port())) {
      c.connect("MON-2");
      awaitState("MON-2", Devices.ONLINE, "connect");
    }
    awaitState("MON-2", Devices.OFFLINE, "connection-lost");
  }

  @Test
  void aConnectionWithAWillDroppedWithoutDisconnectIsOfflineByWill() throws Exception {
    start(embedded());
    try (RawMqtt c = new RawMqtt(ingest.port())) {
      assertThat(c.connect("MON-3", true, 5, "devices/MON-3/status").connackCode()).isZero();
      awaitState("MON-3", Devices.ONLINE, "connect");
    }
    awaitState("MON-3", Devices.OFFLINE, "will");
  }

  @Test
  void aSecondConnectionWithTheSameClientIdTakesOverAndTheDeviceStaysOnline() throws Exception {
    start(embedded());
    try (RawMqtt first = new RawMqtt(ingest.port())) {
      first.connect("MON-4");
      awaitState("MON-4", Devices.ONLINE, "connect");

      Mqtt5BlockingClient second = device("MON-4");

      RawMqtt.Packet kicked = first.read();
      assertThat(kicked.type()).isEqualTo(RawMqtt.DISCONNECT);
      assertThat(kicked.disconnectCode()).isEqualTo(0x8E);
      assertThat(first.closedByPeer()).isTrue();
      assertThat(second.getState().isConnected()).isTrue();
      assertThat(
              pubAck(second, "devices/MON-4/acme-bedside", Fixtures.reading("MON-4", 0))
                  .getReasonCode()
                  .getCode())
          .isZero();
      // The old connection's end is no offline report: the device is on its new connection.
      assertThat(state("MON-4")).map(Devices.DeviceState::connectionState).contains("online");
    }
  }

  @Test
  void closingTheEndpointTakesItsDevicesOffline() {
    start(embedded());
    device("MON-5");
    awaitState("MON-5", Devices.ONLINE, "connect");

    ingest.close();

    // close() returns once the last presence writes are done.
    assertThat(state("MON-5")).map(Devices.DeviceState::stateReason).contains("shutdown");
    assertThat(ingest.connected()).isFalse();
  }

  @Test
  void aPresenceTopicReportIsRecordedAndNotJournaled() throws Exception {
    start(embedded().withPresenceTopic("devices/{device}/status"));
    Mqtt5BlockingClient gateway = device("GW-1");

    assertThat(
            pubAck(gateway, "devices/MON-6/status", Fixtures.json("offline"))
                .getReasonCode()
                .getCode())
        .isZero();

    awaitState("MON-6", Devices.OFFLINE, "status");
    assertThat(
            pubAck(gateway, "devices/MON-6/status", Fixtures.json("asleep"))
                .getReasonCode()
                .getCode())
        .isEqualTo(0x99);
    assertThat(quarantine())
        .singleElement()
        .extracting(q -> q.reason())
        .isEqualTo("malformed-payload");
    assertThat(rawCount()).isEqualTo(1);
  }
}
