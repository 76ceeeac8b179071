package org.vitalbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.vitalbridge.core.harmonize.MeasurementIds;
import org.vitalbridge.core.model.RejectionReason;

class RawIdsTest {
  static final byte[] PAYLOAD = Fixtures.json("{\"hr\":72}");

  @Test
  void aRetransmitGetsTheIdOfTheFirstCopy() {
    String first = RawIds.data("ACME-0042", "devices/ACME-0042/acme-bedside", PAYLOAD);
    String again = RawIds.data("ACME-0042", "devices/ACME-0042/acme-bedside", PAYLOAD.clone());

    assertThat(again).isEqualTo(first);
    assertThat(UUID.fromString(first).version()).isEqualTo(5);
  }

  @Test
  void itIsTheDocumentedNameInTheMeasurementNamespace() {
    // ADR 0010: mqtt|kind|len(sender)|sender|topic|sha256(payload), as a v5 UUID.
    String expected =
        MeasurementIds.derived("mqtt|data|2|D1|t/1|" + RawIds.sha256(PAYLOAD)).toString();
    assertThat(RawIds.data("D1", "t/1", PAYLOAD)).isEqualTo(expected);
    assertThat(RawIds.sha256(new byte[0]))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void senderTopicAndPayloadEachMakeADifferentMessage() {
    String id = RawIds.data("D1", "devices/D1/acme", PAYLOAD);

    assertThat(RawIds.data("D2", "devices/D1/acme", PAYLOAD)).isNotEqualTo(id);
    assertThat(RawIds.data("D1", "devices/D1/other", PAYLOAD)).isNotEqualTo(id);
    assertThat(RawIds.data("D1", "devices/D1/acme", Fixtures.json("{\"hr\":73}"))).isNotEqualTo(id);
    // The sender's length keeps a separator inside a client id from shifting the boundary.
    assertThat(RawIds.data("a|b", "c", PAYLOAD)).isNotEqualTo(RawIds.data("a", "b|c", PAYLOAD));
  }

  @Test
  void aRefusalIsNotTheSameMessageAsTheDataItWouldBe() {
    String data = RawIds.data("D1", "x/y", PAYLOAD);
    String unrouted = RawIds.refused(RejectionReason.UNROUTED, "D1", "x/y", PAYLOAD);

    assertThat(unrouted).isNotEqualTo(data);
    assertThat(RawIds.refused(RejectionReason.NOT_AUTHORIZED, "D1", "x/y", PAYLOAD))
        .isNotEqualTo(unrouted);
    assertThat(RawIds.refused(RejectionReason.UNROUTED, "D1", "x/y", PAYLOAD)).isEqualTo(unrouted);
  }
}
