package org.vitalbridge.devices.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vitalbridge.core.ConfigurationException;

class SerialPortConfigTest {

  @Test
  void defaultsAre9600EightNoneOne() {
    SerialPortConfig c = SerialPortConfig.of("/dev/ttyUSB0", "oximeter-spo2-hr", "OX-1");
    assertThat(c.baud()).isEqualTo(9600);
    assertThat(c.dataBits()).isEqualTo(8);
    assertThat(c.parity()).isEqualTo(SerialPortConfig.Parity.NONE);
    assertThat(c.stopBits()).isEqualTo(SerialPortConfig.StopBits.ONE);
    assertThat(c.flowControl()).isEqualTo(SerialPortConfig.FlowControl.NONE);
    assertThat(c.contentType())
        .isEqualTo("text/vnd.vitalbridge.serial; protocol=\"oximeter-spo2-hr\"; device=\"OX-1\"");
  }

  @Test
  void readsPrefixedKeys() {
    SerialPortConfig c =
        SerialPortConfig.fromProperties(
            Map.of(
                "serial.port", "COM3",
                "serial.baud", "19200",
                "serial.data-bits", "7",
                "serial.parity", "even",
                "serial.stop-bits", "1.5",
                "serial.flow-control", "rts-cts",
                "serial.protocol", "oximeter-tagged-ascii",
                "serial.read-timeout", "500ms",
                "serial.reconnect-interval", "PT5S"));
    assertThat(c.baud()).isEqualTo(19200);
    assertThat(c.dataBits()).isEqualTo(7);
    assertThat(c.parity()).isEqualTo(SerialPortConfig.Parity.EVEN);
    assertThat(c.stopBits()).isEqualTo(SerialPortConfig.StopBits.ONE_POINT_FIVE);
    assertThat(c.flowControl()).isEqualTo(SerialPortConfig.FlowControl.RTS_CTS);
    assertThat(c.readTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.reconnectInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.deviceId()).isNull();
  }

  @Test
  void everyProblemAtOnceNamingItsKey() {
    assertThatThrownBy(
            () ->
                SerialPortConfig.fromProperties(
                    Map.of(
                        "serial.baud", "fast",
                        "serial.parity", "sometimes",
                        "serial.stop-bits", "3",
                        "serial.data-bits", "9",
                        "serial.read-timeout", "soon",
                        "serial.colour", "red")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("serial.colour: unknown key")
        .hasMessageContaining("serial.baud: 'fast'")
        .hasMessageContaining("serial.parity: 'sometimes' is not one of none, odd, even")
        .hasMessageContaining("serial.stop-bits: '3'")
        .hasMessageContaining("serial.data-bits: 9")
        .hasMessageContaining("serial.read-timeout: 'soon'")
        .hasMessageContaining("serial.port: a port name is required")
        .hasMessageContaining("serial.protocol: a line protocol name is required");
  }
}
