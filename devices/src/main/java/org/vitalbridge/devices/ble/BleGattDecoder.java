package org.vitalbridge.devices.ble;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.vitalbridge.core.mapping.MappingResult;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;
import org.vitalbridge.core.pipeline.JsonTemplateDecoder;
import org.vitalbridge.core.pipeline.MediaTypeParameters;
import org.vitalbridge.core.pipeline.PayloadDecoder;
import org.vitalbridge.core.time.TimeSpec;

/**
 * BLE GATT health characteristics forwarded by hubs (routers, phones, bedside hubs) as JSON: one
 * notification or an array of them, each naming the device, the characteristic UUID and its value
 * in hex or base64 (contract: docs/devices/ble-hub.md, decision: ADR 0016). Decodes Heart Rate
 * (2A37), Blood Pressure (2A35), Temperature (2A1C), PLX Spot-Check (2A5E) and Continuous (2A5F),
 * Weight (2A9D) and Glucose (2A18) Measurements. IEEE 11073 special values become {@link
 * RejectionReason#NO_VALUE} rejections, never numbers; a malformed value a rejection naming the
 * byte offset. Never throws from {@link #decode}.
 *
 * <p>Place it before the {@link JsonTemplateDecoder} in a processor's decoder list: it accepts
 * {@code application/json; template=ble-gatt} (an MQTT topic or HTTP path routed to the template
 * {@value #TEMPLATE}) and {@value #CONTENT_TYPE}.
 */
public final class BleGattDecoder implements PayloadDecoder {
  /** The template name hub channels are routed to (MQTT topic route, {@code /api/v1/ingest/…}). */
  public static final String TEMPLATE = "ble-gatt";

  /** The vendor media type a hub may post with. */
  public static final String CONTENT_TYPE = "application/vnd.vitalbridge.ble-gatt+json";

  /** Provenance of readings this decoder made. */
  public static final String MAPPING = "ble-gatt@1";

  /** The content type a channel routed to {@link #TEMPLATE} journals hub messages under. */
  public static String contentType() {
    return JsonTemplateDecoder.contentType(TEMPLATE, null);
  }

  @Override
  public boolean accepts(String contentType) {
    String base = MediaTypeParameters.baseType(contentType).toLowerCase(Locale.ROOT);
    if (base.equals(CONTENT_TYPE)) {
      return true;
    }
    return (base.equals("application/json") || base.equals("json"))
        && TEMPLATE.equalsIgnoreCase(MediaTypeParameters.parse(contentType).get("template"));
  }

  @Override
  public MappingResult decode(RawMessage message) {
    JsonNode root;
    try {
      root = JsonTemplateDecoder.JSON.readTree(message.payload());
    } catch (IOException e) {
      return new MappingResult.Failed(
          new Rejection(
              RejectionReason.MALFORMED_PAYLOAD,
              null,
              "not valid JSON: " + e.getClass().getSimpleName()));
    }
    if (root == null || root.isMissingNode() || !(root.isObject() || root.isArray())) {
      return new MappingResult.Failed(
          new Rejection(
              RejectionReason.MALFORMED_PAYLOAD,
              null,
              "a hub message is a JSON object or an array of them"));
    }
    List<DeviceReading> readings = new ArrayList<>();
    List<Rejection> rejected = new ArrayList<>();
    try {
      String channelDevice = MediaTypeParameters.parse(message.contentType()).get("device");
      BleHubMessages.decode(root, channelDevice, readings, rejected);
    } catch (RuntimeException e) {
      return new MappingResult.Failed(
          new Rejection(
              RejectionReason.MALFORMED_PAYLOAD, null, "cannot decode hub message: " + e));
    }
    return new MappingResult.Mapped(MAPPING, readings, rejected);
  }

  /**
   * One-shot decoding of one characteristic value (the CLI's {@code decode --format ble}).
   *
   * @param characteristic the UUID: {@code 2A35}, {@code 0x2A35} or the full 128-bit form
   * @param value the characteristic value as the device sent it
   * @param device the device id the readings carry (a MAC is normalised); the harmonizer rejects
   *     readings without one
   * @param zone the zone the device's local Date Time is read in, or {@code null} for the device's
   *     configured zone. Values without a device time carry none (the receive time stands in).
   * @return the readings and, in {@link MappingResult.Mapped#rejected()}, the special values and
   *     malformed or unsupported parts — never {@link MappingResult.Failed}
   */
  public static MappingResult.Mapped decodeCharacteristic(
      String characteristic, byte[] value, String device, ZoneId zone) {
    List<DeviceReading> readings = new ArrayList<>();
    List<Rejection> rejected = new ArrayList<>();
    GattContext context =
        new GattContext(
            device == null ? null : BleHubMessages.normalizeDevice(device),
            null,
            null,
            TimeSpec.AUTO,
            zone,
            "value");
    GattDispatch.decode(
        characteristic == null ? "" : characteristic,
        value == null ? new byte[0] : value,
        context,
        readings,
        rejected);
    return new MappingResult.Mapped(MAPPING, readings, rejected);
  }

  /**
   * As {@link #decodeCharacteristic} for hex text such as a hex file holds ({@code "1E 78 00 50
   * 00"}); text that is not hex gives a {@link RejectionReason#MALFORMED_PAYLOAD} rejection.
   */
  public static MappingResult.Mapped decodeHex(
      String characteristic, String hex, String device, ZoneId zone) {
    byte[] value;
    try {
      value = GattHex.parse(hex == null ? "" : hex);
    } catch (IllegalArgumentException e) {
      return new MappingResult.Mapped(
          MAPPING,
          List.of(),
          List.of(
              new Rejection(
                  RejectionReason.MALFORMED_PAYLOAD, "value", "not hex bytes: " + e.getMessage())));
    }
    return decodeCharacteristic(characteristic, value, device, zone);
  }
}
