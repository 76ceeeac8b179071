package org.vitalbridge.devices.ble;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.vitalbridge.core.mapping.MappingResult;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.model.RejectionReason;
import org.vitalbridge.core.time.TimeFormat;

/** The hub message contract: content types, single and batch notifications, contract errors. */
class BleGattDecoderTest {
  private final BleGattDecoder decoder = new BleGattDecoder();

  static MappingResult decode(String contentType, String json) {
    return new BleGattDecoder()
        .decode(
            new RawMessage(
                "r1",
                json.getBytes(StandardCharsets.UTF_8),
                contentType,
                "mqtt",
                "hubs/hub-7",
                null,
                Instant.parse("2026-11-24T10:16:00Z")));
  }

  static MappingResult.Mapped mapped(String json) {
    MappingResult r = decode(BleGattDecoder.contentType(), json);
    assertThat(r).isInstanceOf(MappingResult.Mapped.class);
    return (MappingResult.Mapped) r;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "application/json; template=ble-gatt",
        "application/json; template=\"ble-gatt\"",
        "Application/JSON;template=BLE-GATT; device=\"hub-7\"",
        "application/vnd.vitalbridge.ble-gatt+json",
        "application/vnd.vitalbridge.ble-gatt+json; charset=utf-8",
      })
  void acceptsItsContentTypes(String contentType) {
    assertThat(decoder.accepts(contentType)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "application/json",
        "application/json; template=acme-bedside",
        "application/hl7-v2",
        "text/plain; template=ble-gatt",
      })
  void leavesOtherJsonToTheTemplates(String contentType) {
    assertThat(decoder.accepts(contentType)).isFalse();
  }

  @Test
  void contentTypeNamesTheTemplate() {
    assertThat(BleGattDecoder.contentType()).isEqualTo("application/json; template=\"ble-gatt\"");
    assertThat(decoder.accepts(BleGattDecoder.contentType())).isTrue();
  }

  @Test
  void decodesOneNotification() {
    MappingResult.Mapped m =
        mapped(
            """
            {"hub":"hub-7","device":"aa-bb-cc-dd-ee-ff","service":"0x1810",
             "characteristic":"00002a35-0000-1000-8000-00805f9b34fb",
             "value":"00 78 00 50 00 5D 00","receivedAt":"2026-11-24T10:15:59.250+01:00",
             "location":"ICU-3"}
            """);
    assertThat(m.mapping()).isEqualTo("ble-gatt@1");
    assertThat(m.rejected()).isEmpty();
    assertThat(m.readings()).hasSize(3);
    DeviceReading sys = m.readings().get(0);
    assertThat(sys.device()).isEqualTo("AA:BB:CC:DD:EE:FF");
    assertThat(sys.label()).isEqualTo("MDC_PRESS_BLD_NONINV_SYS");
    assertThat(sys.value()).isEqualTo("120");
    assertThat(sys.location()).isEqualTo("ICU-3");
    assertThat(sys.timestamp()).isEqualTo("2026-11-24T10:15:59.250+01:00");
    assertThat(sys.timeSpec().format()).isEqualTo(TimeFormat.ISO);
    assertThat(sys.fields().value()).isEqualTo("$.value[1]:systolic");
    assertThat(sys.fields().timestamp()).isEqualTo("$.receivedAt");
  }

  @Test
  void decodesABatchAndRejectsOnlyTheBadNotification() {
    MappingResult.Mapped m =
        mapped(
            """
            [{"hub":"hub-7","device":"AABBCCDDEEFF","characteristic":"2A37","valueBase64":"AEg="},
             {"hub":"hub-7","device":"AA:BB:CC:DD:EE:FF","characteristic":"2A37","value":"00 4"},
             {"hub":"hub-7","device":"AA:BB:CC:DD:EE:FF","characteristic":"0x2A5F",
              "value":"00 62 00 3D 00","receivedAt":1795515300000}]
            """);
    assertThat(GattTesting.labels(m))
        .containsExactly("MDC_PULS_RATE", "MDC_PULS_OXIM_SAT_O2", "MDC_PULS_OXIM_PULS_RATE");
    assertThat(m.readings().get(0).value()).isEqualTo("72");
    assertThat(m.readings().get(0).device()).isEqualTo("AA:BB:CC:DD:EE:FF");
    assertThat(m.readings().get(2).timeSpec().format()).isEqualTo(TimeFormat.EPOCH);
    assertThat(m.rejected()).hasSize(1);
    assertThat(m.rejected().get(0).reason()).isEqualTo(RejectionReason.MALFORMED_PAYLOAD);
    assertThat(m.rejected().get(0).field()).isEqualTo("$[1].value");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"characteristic\":\"2A37\",\"value\":\"0048\"}|MISSING_FIELD|$.device",
        "{\"device\":\"d\",\"value\":\"0048\"}|MISSING_FIELD|$.characteristic",
        "{\"device\":\"d\",\"characteristic\":\"2A37\"}|MISSING_FIELD|$.value",
        "{\"device\":\"d\",\"characteristic\":\"2A37\",\"value\":\"00\",\"valueBase64\":\"AA==\"}"
            + "|MALFORMED_PAYLOAD|$.value",
        "{\"device\":\"d\",\"characteristic\":\"2A37\",\"valueBase64\":\"%%\"}"
            + "|MALFORMED_PAYLOAD|$.valueBase64",
        "{\"device\":\"d\",\"characteristic\":\"2A37\",\"value\":\"zz\"}|MALFORMED_PAYLOAD|$.value",
        "{\"device\":\"d\",\"characteristic\":\"2A00\",\"value\":\"00\"}"
            + "|UNSUPPORTED_VALUE|$.characteristic",
        "{\"device\":\"d\",\"characteristic\":\"6e400003-b5a3-f393-e0a9-e50e24dcca9e\","
            + "\"value\":\"00\"}|UNSUPPORTED_VALUE|$.characteristic",
        "{\"device\":\"d\",\"characteristic\":\"heart\",\"value\":\"00\"}"
            + "|MALFORMED_PAYLOAD|$.characteristic",
        "{\"device\":\"d\",\"characteristic\":\"2A37\",\"value\":\"\"}"
            + "|MALFORMED_PAYLOAD|$.value[0]:flags",
        "{\"device\":\"d\",\"characteristic\":\"2A37\",\"value\":\"0048\",\"receivedAt\":true}"
            + "|BAD_TIMESTAMP|$.receivedAt",
        "[42]|MALFORMED_PAYLOAD|$[0]",
      })
  void contractErrorsAreRejectionsNamingTheField(
      String json, RejectionReason reason, String field) {
    MappingResult.Mapped m = mapped(json);
    assertThat(m.readings()).isEmpty();
    assertThat(m.rejected()).hasSize(1);
    assertThat(m.rejected().get(0).reason()).isEqualTo(reason);
    assertThat(m.rejected().get(0).field()).isEqualTo(field);
  }

  @ParameterizedTest
  @ValueSource(strings = {"not json", "42", "\"text\"", ""})
  void notAHubMessageFails(String payload) {
    MappingResult r = decode(BleGattDecoder.CONTENT_TYPE, payload);
    assertThat(r).isInstanceOf(MappingResult.Failed.class);
    assertThat(((MappingResult.Failed) r).rejection().reason())
        .isEqualTo(RejectionReason.MALFORMED_PAYLOAD);
  }

  @Test
  void channelDeviceStandsInForAMissingDevice() {
    MappingResult r =
        decode(
            "application/json; template=ble-gatt; device=\"11:22:33:44:55:66\"",
            "{\"characteristic\":\"2A37\",\"value\":\"0048\"}");
    assertThat(((MappingResult.Mapped) r).readings().get(0).device())
        .isEqualTo("11:22:33:44:55:66");
  }

  @Test
  void oneShotDecodingOfAHexFile() {
    MappingResult.Mapped m =
        BleGattDecoder.decodeHex(
            "2A35",
            "1E 78 00 50 00 5D 00 EA 07 0B 18 05 0F 00\n48 00 01 00 00\n",
            "AA:BB:CC:DD:EE:FF",
            java.time.ZoneId.of("America/New_York"));
    assertThat(m.rejected()).isEmpty();
    assertThat(GattTesting.labels(m))
        .containsExactly(
            "MDC_PRESS_BLD_NONINV_SYS",
            "MDC_PRESS_BLD_NONINV_DIA",
            "MDC_PRESS_BLD_NONINV_MEAN",
            "MDC_PULS_RATE_NON_INV");
    assertThat(m.readings().get(0).timestamp()).isEqualTo("2026-11-24T05:15:00");
    assertThat(m.readings().get(0).timeSpec().zone()).hasToString("America/New_York");

    MappingResult.Mapped bad = BleGattDecoder.decodeHex("2A35", "1E 7G", "d", null);
    assertThat(bad.rejected()).hasSize(1);
    assertThat(bad.rejected().get(0).reason()).isEqualTo(RejectionReason.MALFORMED_PAYLOAD);
  }

  @ParameterizedTest
  @CsvSource({
    "2A35, 10805",
    "0x2a35, 10805",
    "00002A35, 10805",
    "00002a35-0000-1000-8000-00805f9b34fb, 10805",
    "0X2A37, 10807",
    "2A3, -1",
    "12345678, -2",
    "6e400003-b5a3-f393-e0a9-e50e24dcca9e, -2",
    "'', -1",
  })
  void readsUuidForms(String text, int expected) {
    assertThat(GattUuid.sig16(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "aa:bb:cc:dd:ee:ff, AA:BB:CC:DD:EE:FF",
    "AA-BB-CC-DD-EE-FF, AA:BB:CC:DD:EE:FF",
    "aabbccddeeff, AA:BB:CC:DD:EE:FF",
    "' aa:bb:cc:dd:ee:ff ', AA:BB:CC:DD:EE:FF",
    "aa:bb-cc:dd:ee:ff, aa:bb-cc:dd:ee:ff",
    "omron-bp-42, omron-bp-42",
  })
  void normalisesMacAddresses(String device, String expected) {
    assertThat(BleHubMessages.normalizeDevice(device)).isEqualTo(expected);
  }

  @Test
  void theContractDocumentsExamplesThatDecodeCleanly() throws java.io.IOException {
    String doc =
        java.nio.file.Files.readString(java.nio.file.Path.of("../docs/devices/ble-hub.md"));
    java.util.regex.Matcher json =
        java.util.regex.Pattern.compile("```json\\n(.*?)```", java.util.regex.Pattern.DOTALL)
            .matcher(doc);
    int examples = 0;
    while (json.find()) {
      MappingResult.Mapped m = mapped(json.group(1));
      assertThat(m.rejected()).as("example %s", json.group(1)).isEmpty();
      assertThat(m.readings()).isNotEmpty();
      examples++;
    }
    assertThat(examples).isEqualTo(2);
  }

  @Test
  void unknownDeviceDateUsesTheHubTime() {
    MappingResult.Mapped m =
        mapped(
            "{\"device\":\"d\",\"characteristic\":\"2A9D\",\"value\":\"02 3D 38 00 00 00 00 00"
                + " 00 00\",\"receivedAt\":\"2026-11-24T10:15:58Z\"}");
    assertThat(m.readings().get(0).timestamp()).isEqualTo("2026-11-24T10:15:58Z");
    assertThat(m.readings().get(0).fields().timestamp()).isEqualTo("$.receivedAt");
  }
}
