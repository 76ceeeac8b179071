package org.vitalbridge.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.vitalbridge.core.harmonize.Harmonizer;
import org.vitalbridge.core.harmonize.HarmonizerSettings;
import org.vitalbridge.core.mapping.MappingResult;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.terminology.TerminologyLoader;
import org.vitalbridge.core.time.TimeFormat;
import org.vitalbridge.core.time.TimeSpec;
import org.vitalbridge.core.units.UnitResolver;

class MessageProcessorTest {
  private final AtomicInteger decoded = new AtomicInteger();

  private final PayloadDecoder counting =
      new PayloadDecoder() {
        @Override
        public boolean accepts(String contentType) {
          return true;
        }

        @Override
        public MappingResult decode(RawMessage message) {
          decoded.incrementAndGet();
          return new MappingResult.Mapped(
              "test@1",
              List.of(
                  new DeviceReading(
                      "D1",
                      "SpO2",
                      new String(message.payload(), StandardCharsets.UTF_8),
                      "%",
                      "2026-11-24T10:00:00Z",
                      TimeSpec.of(TimeFormat.ISO),
                      null,
                      null)));
        }
      };

  private final MessageProcessor processor =
      new MessageProcessor(
          List.of(counting),
          new Harmonizer(
              TerminologyLoader.shipped(), UnitResolver.shipped(), HarmonizerSettings.DEFAULTS));

  private static RawMessage raw(String id, String value) {
    return new RawMessage(
        id,
        value.getBytes(StandardCharsets.UTF_8),
        "test",
        "test",
        null,
        null,
        Instant.parse("2026-11-24T10:00:01Z"));
  }

  @Test
  void rememberedOutcomesAreReturnedOnceWithoutDecodingAgain() {
    RawMessage m = raw("r1", "97");
    List<Outcome> first = processor.process(m);
    assertThat(decoded).hasValue(1);

    processor.remember("r1", first);
    assertThat(processor.process(m)).isEqualTo(first);
    assertThat(decoded).hasValue(1);

    assertThat(processor.process(m)).isEqualTo(first);
    assertThat(decoded).hasValue(2);
  }

  @Test
  void aResendRememberedAgainKeepsTheFirstReceiptsOutcomes() {
    RawMessage first = raw("r1", "97");
    List<Outcome> original = processor.process(first);
    processor.remember("r1", original);
    processor.remember("r1", List.of());

    assertThat(processor.process(first)).isEqualTo(original);
  }

  @Test
  void rememberingIsBoundedAndAnEvictedMessageIsDecodedAgain() {
    RawMessage m = raw("r0", "97");
    processor.remember("r0", processor.process(m));
    for (int i = 1; i <= 5000; i++) {
      processor.remember("r" + i, List.of());
    }
    decoded.set(0);

    assertThat(processor.process(m)).hasSize(1);
    assertThat(decoded).hasValue(1);
  }
}
