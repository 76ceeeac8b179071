package org.vitalbridge.core.model;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * The canonical measurement everything after the decoder works with.
 *
 * @param id deterministic id derived from device, metric, observation time and value
 * @param subject patient id, {@code null} until the association stage has run
 * @param location bed / point of care, {@code null} when not known
 * @param containment place in the device's MDS/VMD/channel tree, {@code null} when not known
 */
public record Measurement(
    UUID id,
    DeviceId device,
    String subject,
    String location,
    MetricCode metric,
    Value value,
    Instant observedAt,
    Instant receivedAt,
    MeasurementStatus status,
    Set<MeasurementFlag> flags,
    Provenance provenance,
    Containment containment) {

  public Measurement {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(observedAt, "observedAt");
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(status, "status");
    if (value instanceof Value.Absent && status != MeasurementStatus.ENTERED_IN_ERROR) {
      throw new IllegalArgumentException("only a retraction (entered-in-error) may have no value");
    }
    flags = Set.copyOf(flags);
    provenance = provenance == null ? Provenance.NONE : provenance;
  }

  /** The same measurement attributed to a patient and bed. The id does not change. */
  public Measurement associatedWith(String subject, String location) {
    return new Measurement(
        id,
        device,
        subject,
        location,
        metric,
        value,
        observedAt,
        receivedAt,
        status,
        flags,
        provenance,
        containment);
  }

  /** A measurement whose place in the device is not known. */
  public Measurement(
      UUID id,
      DeviceId device,
      String subject,
      String location,
      MetricCode metric,
      Value value,
      Instant observedAt,
      Instant receivedAt,
      MeasurementStatus status,
      Set<MeasurementFlag> flags,
      Provenance provenance) {
    this(
        id,
        device,
        subject,
        location,
        metric,
        value,
        observedAt,
        receivedAt,
        status,
        flags,
        provenance,
        null);
  }

  /** The same measurement with another status (an amendment after re-attribution). */
  public Measurement withStatus(MeasurementStatus newStatus) {
    return new Measurement(
        id,
        device,
        subject,
        location,
        metric,
        value,
        observedAt,
        receivedAt,
        newStatus,
        flags,
        provenance,
        containment);
  }
}
