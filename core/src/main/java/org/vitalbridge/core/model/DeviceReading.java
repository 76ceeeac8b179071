package org.vitalbridge.core.model;

import java.util.Objects;
import java.util.Set;
import org.vitalbridge.core.time.TimeSpec;

/**
 * One reading as a decoder found it, before harmonization: still in the device's words.
 *
 * @param device device identity, {@code null} when the payload carried none
 * @param label the device's name for the metric (a synonym, an MDC reference id or an MDC code)
 * @param value the value as text, {@code null} when absent
 * @param unit the unit as the device wrote it, {@code null} when absent
 * @param timestamp the time as the device wrote it, {@code null} when absent
 * @param timeSpec how to read {@code timestamp}
 * @param fields names of the fields the parts came from, for rejections
 * @param location bed / point of care when the payload names one, else {@code null}
 * @param subject patient id when the message itself names one (HL7 PID-3), else {@code null}
 * @param containment the metric's place in the device (PCD-01 OBX-4), else {@code null}
 * @param preset a value the decoder already read as a code, text or sampled series (PCD-01 CWE, ST
 *     and NA rows), else {@code null}: a numeric reading whose {@code value} and {@code unit} the
 *     harmonizer converts
 * @param status the result status the payload gives (PCD-01 OBX-11), {@code null} for {@link
 *     MeasurementStatus#FINAL}. {@link MeasurementStatus#ENTERED_IN_ERROR} makes the reading a
 *     retraction of what was stored for its device, metric and time; its value may be absent.
 */
public record DeviceReading(
    String device,
    String label,
    String value,
    String unit,
    String timestamp,
    TimeSpec timeSpec,
    Fields fields,
    String location,
    String subject,
    Containment containment,
    Value preset,
    MeasurementStatus status,
    Set<MeasurementFlag> deviceFlags) {

  public DeviceReading {
    Objects.requireNonNull(timeSpec, "timeSpec");
    fields = fields == null ? Fields.DEFAULT : fields;
    status = status == null ? MeasurementStatus.FINAL : status;
    deviceFlags = deviceFlags == null ? Set.of() : Set.copyOf(deviceFlags);
  }

  public DeviceReading(
      String device,
      String label,
      String value,
      String unit,
      String timestamp,
      TimeSpec timeSpec,
      Fields fields,
      String location,
      String subject,
      Containment containment,
      Value preset,
      MeasurementStatus status) {
    this(
        device,
        label,
        value,
        unit,
        timestamp,
        timeSpec,
        fields,
        location,
        subject,
        containment,
        preset,
        status,
        null);
  }

  /** A reading with a final result status. */
  public DeviceReading(
      String device,
      String label,
      String value,
      String unit,
      String timestamp,
      TimeSpec timeSpec,
      Fields fields,
      String location,
      String subject,
      Containment containment,
      Value preset) {
    this(
        device,
        label,
        value,
        unit,
        timestamp,
        timeSpec,
        fields,
        location,
        subject,
        containment,
        preset,
        null);
  }

  /** The same reading carrying a value already read as a code, text or sampled series. */
  public DeviceReading withPreset(Value newPreset) {
    return with(newPreset, status, deviceFlags);
  }

  /** The same reading with another result status. */
  public DeviceReading withStatus(MeasurementStatus newStatus) {
    return with(preset, newStatus, deviceFlags);
  }

  /**
   * The same reading carrying flags the device itself reported (alarm bits, signal quality), which
   * the harmonizer copies onto the measurement.
   */
  public DeviceReading withDeviceFlags(Set<MeasurementFlag> flags) {
    return with(preset, status, flags);
  }

  /** The same reading with what decoders add after reading it: preset value, status, flags. */
  private DeviceReading with(
      Value newPreset, MeasurementStatus newStatus, Set<MeasurementFlag> newFlags) {
    return new DeviceReading(
        device,
        label,
        value,
        unit,
        timestamp,
        timeSpec,
        fields,
        location,
        subject,
        containment,
        newPreset,
        newStatus,
        newFlags);
  }

  /** A numeric reading as a mapping template finds it: no patient, containment or preset. */
  public DeviceReading(
      String device,
      String label,
      String value,
      String unit,
      String timestamp,
      TimeSpec timeSpec,
      Fields fields,
      String location) {
    this(device, label, value, unit, timestamp, timeSpec, fields, location, null, null, null, null);
  }

  /** Where each part came from (field names or JSONPath expressions). */
  public record Fields(String device, String label, String value, String unit, String timestamp) {
    public static final Fields DEFAULT =
        new Fields("device", "label", "value", "unit", "timestamp");
  }
}
