package org.vitalbridge.devices.ble;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.MeasurementFlag;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;
import org.vitalbridge.core.time.TimeFormat;
import org.vitalbridge.core.time.TimeSpec;

/**
 * Collects the readings and rejections of one notification. A characteristic decoder reads all its
 * fields first, then emits; if reading throws, the caller drops this output whole.
 */
final class GattOutput {
  private static final DateTimeFormatter LOCAL =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

  /** The time every reading of the notification carries, and which field it came from. */
  record Stamp(String text, TimeSpec spec, String field) {}

  private final GattContext context;
  private final List<DeviceReading> readings = new ArrayList<>();
  private final List<Rejection> rejected = new ArrayList<>();

  GattOutput(GattContext context) {
    this.context = context;
  }

  List<DeviceReading> readings() {
    return readings;
  }

  List<Rejection> rejected() {
    return rejected;
  }

  /** {@code $.value[3]:systolic}: the field name with the byte offset in the value. */
  String field(String name, int offset) {
    return context.field() + "[" + offset + "]:" + name;
  }

  /**
   * The device's own time when it sent a known one: a local date-time without zone (the harmonizer
   * resolves it in the device's configured zone, or the zone given for one-shot decoding). Else the
   * hub's receive time; else none (the harmonizer then uses the engine's receive time and flags
   * it).
   */
  Stamp stamp(LocalDateTime deviceTime, int offset) {
    if (deviceTime != null) {
      return new Stamp(
          LOCAL.format(deviceTime),
          new TimeSpec(TimeFormat.LOCAL, context.zone(), null),
          field("time stamp", offset));
    }
    return hubStamp();
  }

  /**
   * As {@link #stamp(LocalDateTime, int)} for a Date Time field that may be absent ({@code null})
   * or "not known"; a Date Time that is not a date-time rejects the notification.
   */
  Stamp stamp(GattDateTime time, int offset) throws GattFormatException {
    if (time != null && time.problem() != null) {
      throw new GattFormatException(
          RejectionReason.BAD_TIMESTAMP,
          offset,
          "time stamp",
          "device time stamp at offset " + offset + " is invalid: " + time.problem());
    }
    return stamp(time == null ? null : time.value(), offset);
  }

  Stamp hubStamp() {
    if (context.hubTime() == null) {
      return new Stamp(null, TimeSpec.AUTO, "receivedAt");
    }
    return new Stamp(context.hubTime(), context.hubTimeSpec(), fieldOf("receivedAt"));
  }

  private String fieldOf(String member) {
    String base = context.field();
    int dot = base.lastIndexOf('.');
    return (dot < 0 ? "$" : base.substring(0, dot)) + "." + member;
  }

  /** A numeric reading, or a NO_VALUE rejection when the number is a special value. */
  void number(
      String label,
      GattNumber n,
      String unit,
      Stamp stamp,
      Set<MeasurementFlag> flags,
      String name,
      int offset) {
    if (n.isSpecial()) {
      noValue(label, name, offset, n.special());
      return;
    }
    reading(label, n.value(), unit, stamp, flags, name, offset);
  }

  void reading(
      String label,
      BigDecimal value,
      String unit,
      Stamp stamp,
      Set<MeasurementFlag> flags,
      String name,
      int offset) {
    DeviceReading.Fields fields =
        new DeviceReading.Fields(
            fieldOf("device"),
            fieldOf("characteristic"),
            field(name, offset),
            field(name, offset),
            stamp.field());
    DeviceReading r =
        new DeviceReading(
            context.device(),
            label,
            value.toPlainString(),
            unit,
            stamp.text(),
            stamp.spec(),
            fields,
            context.location());
    readings.add(flags.isEmpty() ? r : r.withDeviceFlags(flags));
  }

  void noValue(String label, String name, int offset, String why) {
    rejected.add(new Rejection(RejectionReason.NO_VALUE, field(name, offset), label + ": " + why));
  }

  void reject(RejectionReason reason, String name, int offset, String detail) {
    rejected.add(new Rejection(reason, field(name, offset), detail));
  }
}
