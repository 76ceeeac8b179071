package org.vitalbridge.devices.ble;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;

/** Picks the characteristic decoder by UUID and turns every failure into a rejection. */
final class GattDispatch {
  /** The ATT maximum attribute value length: a longer "value" is not a characteristic value. */
  static final int MAX_VALUE_LENGTH = 512;

  static final Map<Integer, GattCharacteristic> CHARACTERISTICS =
      Stream.of(
              new GattHeartRate(),
              new GattBloodPressure(),
              new GattTemperature(),
              new GattPlxSpotCheck(),
              new GattPlxContinuous(),
              new GattWeight(),
              new GattGlucose())
          .collect(Collectors.toUnmodifiableMap(GattCharacteristic::uuid, Function.identity()));

  private GattDispatch() {}

  /** Decodes one characteristic value into {@code readings} and {@code rejected}; never throws. */
  static void decode(
      String characteristic,
      byte[] value,
      GattContext context,
      List<DeviceReading> readings,
      List<Rejection> rejected) {
    int uuid = GattUuid.sig16(characteristic);
    if (uuid == GattUuid.MALFORMED) {
      rejected.add(
          new Rejection(
              RejectionReason.MALFORMED_PAYLOAD,
              characteristicField(context),
              "'" + characteristic + "' is not a GATT characteristic UUID"));
      return;
    }
    GattCharacteristic decoder = uuid < 0 ? null : CHARACTERISTICS.get(uuid);
    if (decoder == null) {
      rejected.add(
          new Rejection(
              RejectionReason.UNSUPPORTED_VALUE,
              characteristicField(context),
              "characteristic "
                  + characteristic
                  + " is not one this engine decodes (supported: 2A37, 2A35, 2A1C, 2A5E, 2A5F,"
                  + " 2A9D, 2A18)"));
      return;
    }
    if (value.length > MAX_VALUE_LENGTH) {
      rejected.add(
          new Rejection(
              RejectionReason.MALFORMED_PAYLOAD,
              context.field(),
              "value of "
                  + value.length
                  + " bytes is longer than a GATT attribute can be ("
                  + MAX_VALUE_LENGTH
                  + ")"));
      return;
    }
    GattOutput out = new GattOutput(context);
    try {
      decoder.decode(new GattReader(value), out);
    } catch (GattFormatException e) {
      rejected.add(
          new Rejection(
              e.reason(),
              out.field(e.field(), e.offset()),
              decoder.name() + " " + GattUuid.format(uuid) + ": " + e.getMessage()));
      return;
    } catch (RuntimeException e) {
      // A decoder bug must not take the message down with it: the bytes stay in quarantine.
      rejected.add(
          new Rejection(
              RejectionReason.MALFORMED_PAYLOAD,
              context.field(),
              decoder.name() + " " + GattUuid.format(uuid) + ": cannot decode (" + e + ")"));
      return;
    }
    readings.addAll(out.readings());
    rejected.addAll(out.rejected());
  }

  private static String characteristicField(GattContext context) {
    String base = context.field();
    int dot = base.lastIndexOf('.');
    return dot < 0 ? "characteristic" : base.substring(0, dot) + ".characteristic";
  }
}
