package org.vitalbridge.devices.ble;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HexFormat;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.vitalbridge.core.mapping.MappingResult;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;

/**
 * The decoders never throw on arbitrary bytes: they read or reject. And a special value is never a
 * number: every value a reading carries is a plain decimal.
 */
class BleDecoderPropertiesTest {
  private static final String[] SUPPORTED = {
    "2A37", "2A35", "2A1C", "2A5E", "2A5F", "2A9D", "2A18"
  };

  @Provide
  Arbitrary<String> characteristics() {
    return Arbitraries.oneOf(
        Arbitraries.of(SUPPORTED),
        Arbitraries.strings().withCharRange('0', 'z').ofMaxLength(40),
        Arbitraries.integers().between(0, 0xFFFF).map(i -> String.format("0x%04X", i)));
  }

  @Property(tries = 3000)
  void characteristicDecodersNeverThrow(
      @ForAll("characteristics") String uuid, @ForAll @Size(max = 64) byte[] value) {
    MappingResult.Mapped m =
        BleGattDecoder.decodeCharacteristic(uuid, value, "AA:BB:CC:DD:EE:FF", ZoneId.of("UTC"));
    assertWellFormed(m);
  }

  @Property(tries = 3000)
  void supportedCharacteristicsReadOrRejectEveryValue(
      @ForAll @IntRange(min = 0, max = 6) int which, @ForAll @Size(max = 40) byte[] value) {
    MappingResult.Mapped m =
        BleGattDecoder.decodeCharacteristic(SUPPORTED[which], value, "dev", null);
    assertWellFormed(m);
    // Only a Glucose Measurement without a concentration (flags bit 1 clear) may say nothing.
    boolean glucoseWithoutConcentration =
        SUPPORTED[which].equals("2A18") && value.length > 0 && (value[0] & 0x02) == 0;
    if (m.readings().isEmpty() && !glucoseWithoutConcentration) {
      assertThat(m.rejected()).as("a value that gives no reading says why").isNotEmpty();
    }
  }

  @Property(tries = 1000)
  void sfloatSpecialsNeverBecomeReadings(
      @ForAll @IntRange(min = 0, max = 4) int special, @ForAll @IntRange(min = 0, max = 15) int e) {
    int[] mantissas = {0x07FF, 0x0800, 0x07FE, 0x0802, 0x0801};
    int raw = e << 12 | mantissas[special];
    byte[] bp = {0, (byte) raw, (byte) (raw >> 8), 80, 0, 93, 0};
    MappingResult.Mapped m = BleGattDecoder.decodeCharacteristic("2A35", bp, "dev", null);
    assertThat(m.readings())
        .extracting(DeviceReading::label)
        .doesNotContain("MDC_PRESS_BLD_NONINV_SYS");
    assertThat(m.rejected())
        .extracting(Rejection::reason)
        .containsExactly(RejectionReason.NO_VALUE);
  }

  @Property(tries = 2000)
  void hubMessagesNeverThrow(@ForAll("hubPayloads") String json) {
    MappingResult r =
        new BleGattDecoder()
            .decode(
                new RawMessage(
                    "r",
                    json.getBytes(StandardCharsets.UTF_8),
                    BleGattDecoder.CONTENT_TYPE,
                    "http",
                    null,
                    null,
                    Instant.EPOCH));
    if (r instanceof MappingResult.Mapped m) {
      assertWellFormed(m);
    }
  }

  @Provide
  Arbitrary<String> hubPayloads() {
    Arbitrary<String> notification =
        net.jqwik.api.Combinators.combine(
                Arbitraries.of("\"AA:BB:CC:DD:EE:FF\"", "\"x\"", "null", "7", "{}"),
                characteristics().map(c -> "\"" + c + "\""),
                Arbitraries.bytes()
                    .array(byte[].class)
                    .ofMaxSize(40)
                    .map(HexFormat.of()::formatHex),
                Arbitraries.of(
                    "\"2026-11-24T10:15:00Z\"", "\"yesterday\"", "17", "[]", "null", "1e99"))
            .as(
                (d, c, v, t) ->
                    "{\"device\":"
                        + d
                        + ",\"characteristic\":"
                        + c
                        + ",\"value\":\""
                        + v
                        + "\",\"receivedAt\":"
                        + t
                        + "}");
    return Arbitraries.oneOf(
        notification,
        notification.list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]"),
        Arbitraries.strings().ofMaxLength(60));
  }

  private static void assertWellFormed(MappingResult.Mapped m) {
    for (DeviceReading r : m.readings()) {
      assertThat(r.value()).matches("-?[0-9]+(\\.[0-9]+)?");
      assertThat(r.unit()).isNotBlank();
      assertThat(r.label()).startsWith("MDC_");
    }
    for (Rejection r : m.rejected()) {
      assertThat(r.detail()).isNotBlank();
    }
  }
}
