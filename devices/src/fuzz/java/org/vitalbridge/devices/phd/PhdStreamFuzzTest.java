package org.vitalbridge.devices.phd;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.math.BigDecimal;
import java.time.ZoneOffset;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.Rejection;

/**
 * Jazzer targets for the 20601 manager as the dry-run session drives it (profile {@code fuzz}, see
 * docs/devices/fuzzing.md): it must never throw and must only ever answer with well-framed APDUs.
 */
class PhdStreamFuzzTest {
  private static final int[] CONFIGS = {
    StandardConfigs.PULSE_OXIMETER,
    StandardConfigs.PULSE_OXIMETER_2,
    StandardConfigs.BLOOD_PRESSURE,
    StandardConfigs.THERMOMETER,
    StandardConfigs.WEIGHING_SCALE,
    StandardConfigs.GLUCOSE_METER,
    AgentApdus.EXTENDED_CONFIG
  };

  private static final int[] EVENT_TYPES = {
    Phd.NOTI_SCAN_REPORT_FIXED,
    Phd.NOTI_SCAN_REPORT_VAR,
    Phd.NOTI_SCAN_REPORT_MP_FIXED,
    Phd.NOTI_SCAN_REPORT_MP_VAR,
    Phd.NOTI_CONFIG
  };

  /** Bytes from nowhere, unassociated: mostly framing errors, AARQ parsing when they frame. */
  @FuzzTest(maxDuration = "60s")
  void arbitraryStream(byte[] stream) {
    check(PhdDecodeSession.open(ZoneOffset.UTC).feedStream(stream));
  }

  /**
   * A valid association first (standard or extended configuration), then a mix of raw stream chunks
   * and well-framed event reports with fuzzed contents, which reach the scan report and
   * configuration decoders that raw bytes rarely get past the framing to.
   */
  @FuzzTest(maxDuration = "60s")
  void afterAssociation(FuzzedDataProvider data) {
    int config = CONFIGS[data.consumeInt(0, CONFIGS.length - 1)];
    PhdDecodeSession session = PhdDecodeSession.open(ZoneOffset.UTC);
    check(session.feed(AgentApdus.aarq(AgentApdus.SYSTEM_ID, config)));
    if (config == AgentApdus.EXTENDED_CONFIG && data.consumeBoolean()) {
      check(session.feed(AgentApdus.configReport(1, AgentApdus.extendedOximeter())));
    }
    while (data.remainingBytes() > 0) {
      if (data.consumeBoolean()) {
        int eventType =
            data.consumeBoolean()
                ? EVENT_TYPES[data.consumeInt(0, EVENT_TYPES.length - 1)]
                : data.consumeInt(0, 0xFFFF);
        int invokeId = data.consumeInt(0, 0xFFFF);
        boolean confirmed = data.consumeBoolean();
        byte[] info = data.consumeBytes(data.consumeInt(0, 1024));
        check(session.feed(AgentApdus.eventReport(invokeId, confirmed, eventType, info)));
      } else {
        check(session.feedStream(data.consumeBytes(data.consumeInt(0, 1024))));
      }
    }
  }

  static void check(PhdDecodeSession.Step step) {
    for (byte[] reply : step.replies()) {
      assertThat(reply.length).as("reply has a choice and a length").isGreaterThanOrEqualTo(4);
      int choice = (reply[0] & 0xFF) << 8 | (reply[1] & 0xFF);
      int length = (reply[2] & 0xFF) << 8 | (reply[3] & 0xFF);
      assertThat(ApduFramer.knownChoice(choice)).as("reply choice 0x%04X", choice).isTrue();
      assertThat(length).as("reply length field").isEqualTo(reply.length - 4);
    }
    for (Rejection r : step.rejections()) {
      // PhdReportDecoder quarantines a RuntimeException as this rejection; for the fuzzer it is a
      // decoder bug all the same.
      assertThat(r.detail()).doesNotContain("undecodable report:");
    }
    for (DeviceReading r : step.readings()) {
      if (r.value() != null) {
        new BigDecimal(r.value());
      }
    }
  }
}
