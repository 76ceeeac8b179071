package org.vitalbridge.devices.serial;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.core.model.MeasurementFlag;
import org.vitalbridge.core.model.RejectionReason;
import org.vitalbridge.core.model.Value;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.core.pipeline.Outcome;

/** Serial lines through decode and harmonize, as the pipeline worker runs them. */
class SerialPipelineTest {

  static List<Outcome> process(String protocol, String device, String line) {
    return SerialFixtures.PROCESSOR.evaluate(SerialFixtures.line(protocol, device, line));
  }

  static List<Measurement> accepted(List<Outcome> outcomes) {
    return outcomes.stream()
        .filter(Outcome.Accepted.class::isInstance)
        .map(o -> ((Outcome.Accepted) o).measurement())
        .toList();
  }

  @Test
  void taggedLineBecomesMeasurementsInTheDeviceZoneWithItsFlags() {
    List<Outcome> out =
        process(
            "oximeter-tagged-ascii",
            "OX-1",
            SerialDecoderTest.RAD.replace("EXC=000800", "EXC=000C00"));
    List<Measurement> ms = accepted(out);
    assertThat(ms).hasSize(3);
    Measurement spo2 = ms.get(0);
    assertThat(spo2.metric().refId()).isEqualTo("MDC_PULS_OXIM_SAT_O2");
    assertThat(((Value.Quantity) spo2.value()).number()).isEqualByComparingTo(new BigDecimal("97"));
    // 04:48:53 local in Berlin (CET, +01:00) is 03:48:53Z.
    assertThat(spo2.observedAt()).isEqualTo(Instant.parse("2018-02-24T03:48:53Z"));
    assertThat(spo2.flags()).contains(MeasurementFlag.QUESTIONABLE);
    assertThat(spo2.provenance().mapping()).isEqualTo("serial:oximeter-tagged-ascii@1");
    assertThat(((Value.Quantity) ms.get(2).value()).number())
        .isEqualByComparingTo(new BigDecimal("4.96"));
  }

  @Test
  void minimalLineUsesReceiveTime() {
    List<Measurement> ms = accepted(process("oximeter-spo2-hr", "OX-1", "SPO2= 97 HR=068*"));
    assertThat(ms).hasSize(2);
    assertThat(ms.get(0).observedAt()).isEqualTo(SerialFixtures.NOW);
    assertThat(ms.get(0).flags()).contains(MeasurementFlag.TIME_FROM_RECEIPT);
    assertThat(ms.get(1).metric().refId()).isEqualTo("MDC_PULS_OXIM_PULS_RATE");
  }

  @Test
  void noValueIsQuarantinedAtDecode() {
    List<Outcome> out = process("oximeter-spo2-hr", "OX-1", "SPO2=--- HR=---");
    assertThat(out)
        .allSatisfy(
            o -> {
              assertThat(o).isInstanceOf(Outcome.Rejected.class);
              Outcome.Rejected r = (Outcome.Rejected) o;
              assertThat(r.stage()).isEqualTo(MessageProcessor.STAGE_DECODE);
              assertThat(r.rejection().reason()).isEqualTo(RejectionReason.NO_VALUE);
            });
  }

  @Test
  void unknownProtocolInTheContentTypeIsUnsupported() {
    List<Outcome> out = process("gone", "OX-1", "SPO2=097 HR=068");
    assertThat(out).singleElement().isInstanceOf(Outcome.Rejected.class);
    assertThat(((Outcome.Rejected) out.get(0)).rejection().reason())
        .isEqualTo(RejectionReason.UNSUPPORTED_MESSAGE);
  }
}
