package org.vitalbridge.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.vitalbridge.core.mapping.MappingResult;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.MeasurementStatus;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.model.Value;
import org.vitalbridge.core.pipeline.PayloadDecoder;
import org.vitalbridge.core.time.TimeFormat;
import org.vitalbridge.core.time.TimeSpec;

/**
 * A reading whose message names its patient, as HL7 PID-3 does (the JSON test template cannot):
 * {@code device|time|label|value|unit|bed|patient}, optionally followed by a value kind ({@code
 * coded}, {@code text} or empty) and a result status ({@link MeasurementStatus#code()}), as HL7
 * OBX-2 and OBX-11 give them.
 */
final class TestPatientDecoder implements PayloadDecoder {
  static final String CONTENT_TYPE = "text/x-test-patient";

  @Override
  public boolean accepts(String contentType) {
    return CONTENT_TYPE.equals(contentType);
  }

  @Override
  public MappingResult decode(RawMessage message) {
    String[] f = new String(message.payload(), StandardCharsets.UTF_8).split("\\|", -1);
    DeviceReading reading =
        new DeviceReading(
            f[0],
            f[2],
            f[3],
            f[4],
            f[1],
            TimeSpec.of(TimeFormat.ISO),
            null,
            f[5],
            f[6],
            null,
            null);
    if (f.length > 7 && !f[7].isEmpty()) {
      // An optional eighth field presets the value: "coded" (value system^code^display), "text" or
      // "series" (value: a sampled series' canonical key).
      Value preset =
          switch (f[7]) {
            case "coded" -> {
              String[] c = f[3].split("\\^", -1);
              yield new Value.Coded(c[0], c[1], c[2].isEmpty() ? null : c[2]);
            }
            case "text" -> new Value.Text(f[3]);
            case "series" -> Value.SampledSeries.parse(f[3]);
            default -> throw new IllegalArgumentException("unknown value kind " + f[7]);
          };
      reading = reading.withPreset(preset);
    }
    if (f.length > 8) {
      // An optional ninth field is the result status (preliminary, final, amended,
      // entered-in-error); an entered-in-error reading may leave the value empty.
      reading = reading.withStatus(MeasurementStatus.ofCode(f[8]));
    }
    return new MappingResult.Mapped("test-patient@1", List.of(reading));
  }

  /** A reading of {@code label} with a coded ({@code system^code^display}) or text value. */
  static RawMessage preset(
      String id, String device, Instant ts, String label, String kind, String value) {
    String payload = String.join("|", device, ts.toString(), label, value, "", "", "", kind);
    return TestPipeline.raw(
        id, payload.getBytes(StandardCharsets.UTF_8), CONTENT_TYPE, ts.plusSeconds(1));
  }

  /** An SpO2 reading naming {@code patient}, received one second after {@code ts}. */
  static RawMessage spo2(
      String id, String device, Instant ts, int percent, String bed, String patient) {
    String payload =
        String.join("|", device, ts.toString(), "SpO2", "" + percent, "%", bed, patient);
    return TestPipeline.raw(
        id, payload.getBytes(StandardCharsets.UTF_8), CONTENT_TYPE, ts.plusSeconds(1));
  }

  /**
   * A reading of {@code label} with result status {@code status} ({@link MeasurementStatus#code()})
   * from a device that names no patient; {@code value} {@code null} leaves it empty (a retraction
   * without a value).
   */
  static RawMessage withStatus(
      String id,
      String device,
      Instant ts,
      String label,
      String value,
      String unit,
      String status) {
    String payload =
        String.join(
            "|",
            device,
            ts.toString(),
            label,
            value == null ? "" : value,
            unit,
            "",
            "",
            "",
            status);
    return TestPipeline.raw(
        id, payload.getBytes(StandardCharsets.UTF_8), CONTENT_TYPE, ts.plusSeconds(1));
  }
}
