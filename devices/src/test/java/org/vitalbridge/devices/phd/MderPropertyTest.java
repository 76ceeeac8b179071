package org.vitalbridge.devices.phd;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.vitalbridge.core.mapping.MappingResult;
import org.vitalbridge.core.model.RawMessage;

/** Random bytes never make a decoder throw: they are rejected (or, by chance, decoded). */
class MderPropertyTest {

  @Property(tries = 2000)
  void reportDecoderNeverThrows(@ForAll @Size(max = 300) byte[] payload, @ForAll boolean extended) {
    String type = new PhdContentType(extended ? 0x4000 : 0x02BC, "0011223344556677", null).format();
    MappingResult r =
        new PhdReportDecoder()
            .decode(new RawMessage("x", payload, type, "phd", null, null, Instant.EPOCH));
    assertThat(r).isNotNull();
  }

  @Property(tries = 2000)
  void randomBodiesBehindValidHeadersNeverThrow(
      @ForAll @Size(max = 200) byte[] body, @ForAll boolean fixed) {
    // Valid APDU/PRST/event-report framing around random event-info: exercises the scan decoder.
    byte[] apdu =
        AgentApdus.eventReport(
            1, true, fixed ? Phd.NOTI_SCAN_REPORT_FIXED : Phd.NOTI_SCAN_REPORT_MP_VAR, body);
    String type = new PhdContentType(0x02BC, "0011223344556677", null).format();
    MappingResult r =
        new PhdReportDecoder()
            .decode(new RawMessage("x", apdu, type, "phd", null, null, Instant.EPOCH));
    assertThat(r).isNotNull();
    byte[] config = AgentApdus.eventReport(1, true, Phd.NOTI_CONFIG, body);
    assertThat(
            new PhdReportDecoder()
                .decode(new RawMessage("x", config, type, "phd", null, null, Instant.EPOCH)))
        .isNotNull();
  }

  @Property(tries = 2000)
  void managerAndSessionNeverThrow(@ForAll @Size(max = 300) byte[] bytes) {
    PhdManager manager = new PhdManager(new java.util.HashMap<>(), null);
    manager.receive(AgentApdus.aarq("0011223344556677", 0x0190));
    assertThat(manager.receive(bytes)).isNotNull();
    assertThat(PhdDecodeSession.open(null).feedStream(bytes)).isNotNull();
    assertThat(PhdDecodeSession.open(null).feed(bytes)).isNotNull();
  }
}
