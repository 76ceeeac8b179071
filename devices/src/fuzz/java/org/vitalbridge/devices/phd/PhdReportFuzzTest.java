package org.vitalbridge.devices.phd;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.math.BigDecimal;
import java.time.Instant;
import org.vitalbridge.core.mapping.MappingResult;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.RawMessage;

/**
 * Jazzer target for the journaled-report decoder (profile {@code fuzz}, see
 * docs/devices/fuzzing.md): a journal entry may hold any bytes after a disk or operator mishap, and
 * reprocessing it must quarantine, not throw.
 */
class PhdReportFuzzTest {
  private static final String CONTENT_TYPE =
      "application/vnd.vitalbridge.phd-report; config=0x0190; system-id=1122334455667788";

  @FuzzTest(maxDuration = "60s")
  void report(byte[] payload) {
    MappingResult result =
        new PhdReportDecoder()
            .decode(
                new RawMessage("fuzz", payload, CONTENT_TYPE, "phd", null, null, Instant.EPOCH));
    assertThat(result).isNotNull();
    if (result instanceof MappingResult.Failed f) {
      // The decoder's catch-all for RuntimeException: a bug, even though it is contained.
      assertThat(f.rejection().detail()).doesNotContain("undecodable report:");
    } else {
      for (DeviceReading r : ((MappingResult.Mapped) result).readings()) {
        if (r.value() != null) {
          new BigDecimal(r.value());
        }
      }
    }
  }
}
