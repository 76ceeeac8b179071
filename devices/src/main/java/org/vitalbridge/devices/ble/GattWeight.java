package org.vitalbridge.devices.ble;

import java.math.BigDecimal;
import java.util.Set;

/**
 * Weight Measurement (0x2A9D, Weight Scale Service): flags uint8 — bit 0 imperial (else SI), bit 1
 * time stamp, bit 2 user id, bit 3 BMI and height; weight uint16 (SI 0.005 kg, imperial 0.01 lb;
 * 0xFFFF = measurement unsuccessful), [Date Time], [user id uint8], [BMI uint16 0.1 kg/m², height
 * uint16 (SI 0.001 m, imperial 0.1 in)].
 *
 * <p>Resolutions are applied exactly (raw × 5 × 10⁻³ kg, raw × 10⁻² lb, …). When the weighing was
 * unsuccessful the BMI, which derives from it, is kept out too.
 */
final class GattWeight implements GattCharacteristic {
  static final int UNSUCCESSFUL = 0xFFFF;

  @Override
  public int uuid() {
    return 0x2A9D;
  }

  @Override
  public String name() {
    return "Weight Measurement";
  }

  @Override
  public void decode(GattReader in, GattOutput out) throws GattFormatException {
    int flags = in.u8("flags");
    boolean imperial = (flags & 0x01) != 0;
    int weight = in.u16("weight");
    GattDateTime time = null;
    int timeOffset = in.position();
    if ((flags & 0x02) != 0) {
      time = in.dateTime("time stamp");
    }
    if ((flags & 0x04) != 0) {
      // A user index of a shared scale is not a patient id: not carried (see ble-hub.md).
      in.u8("user id");
    }
    int bmi = -1;
    int height = -1;
    int bmiOffset = in.position();
    if ((flags & 0x08) != 0) {
      bmi = in.u16("BMI");
      height = in.u16("height");
    }
    GattOutput.Stamp stamp = out.stamp(time, timeOffset);
    if (weight == UNSUCCESSFUL) {
      out.noValue(GattLabels.WEIGHT, "weight", 1, "measurement unsuccessful (0xFFFF)");
    } else {
      out.reading(
          GattLabels.WEIGHT,
          imperial ? BigDecimal.valueOf(weight, 2) : BigDecimal.valueOf(weight * 5L, 3),
          imperial ? GattLabels.POUND : GattLabels.KILOGRAM,
          stamp,
          Set.of(),
          "weight",
          1);
    }
    if (bmi < 0) {
      return;
    }
    if (weight == UNSUCCESSFUL) {
      out.noValue(GattLabels.BMI, "BMI", bmiOffset, "weight measurement unsuccessful (0xFFFF)");
    } else {
      out.reading(
          GattLabels.BMI,
          BigDecimal.valueOf(bmi, 1),
          GattLabels.KG_PER_M2,
          stamp,
          Set.of(),
          "BMI",
          bmiOffset);
    }
    out.reading(
        GattLabels.HEIGHT,
        imperial ? BigDecimal.valueOf(height, 1) : BigDecimal.valueOf(height, 3),
        imperial ? GattLabels.INCH : GattLabels.METRE,
        stamp,
        Set.of(),
        "height",
        bmiOffset + 2);
  }
}
