package org.vitalbridge.fhir;

import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.vitalbridge.core.harmonize.Harmonizer;
import org.vitalbridge.core.harmonize.HarmonizerSettings;
import org.vitalbridge.core.harmonize.MeasurementIds;
import org.vitalbridge.core.mapping.MappingResult;
import org.vitalbridge.core.mapping.TemplateLoader;
import org.vitalbridge.core.model.DeviceId;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.MeasurementStatus;
import org.vitalbridge.core.model.MetricCode;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.model.Value;
import org.vitalbridge.core.pipeline.JsonTemplateDecoder;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.core.pipeline.PayloadDecoder;
import org.vitalbridge.core.terminology.Terminology;
import org.vitalbridge.core.terminology.TerminologyLoader;
import org.vitalbridge.core.time.TimeFormat;
import org.vitalbridge.core.time.TimeSpec;
import org.vitalbridge.core.units.UcumUnits;
import org.vitalbridge.core.units.UnitAliases;
import org.vitalbridge.core.units.UnitResolver;

/**
 * A real {@link MessageProcessor} (JSON template decoder + harmonizer with the shipped terminology
 * and UCUM) over the test templates in {@code templates/}, and builders for their payloads. Adapted
 * from the store module's {@code TestPipeline} (its test-jar is not a dependency of this module).
 *
 * <ul>
 *   <li>{@code {"dev":"D1","ts":"…","label":"SpO2","value":97,"unit":"%"}} — one reading
 *   <li>{@code {"dev":"BP-1","ts":"…","sys":120,"dia":80,"map":93}} — one blood pressure cycle
 * </ul>
 */
final class FhirTestPipeline {
  static final String CONTENT_TYPE = "application/json";
  static final String ADAPTER = "test";
  static final int MDC_SPO2 = 150456;
  static final int MDC_HEART_RATE = 147842;
  static final int MDC_NIBP_SYS = 150021;
  static final int MDC_NIBP_DIA = 150022;
  static final int MDC_NIBP_MEAN = 150023;

  static final Terminology TERMINOLOGY = TerminologyLoader.shipped();
  private static MessageProcessor standard;

  private FhirTestPipeline() {}

  /** The processor (cached: loading UCUM takes a moment). */
  static synchronized MessageProcessor processor() {
    if (standard == null) {
      standard =
          new MessageProcessor(
              List.of(
                  new JsonTemplateDecoder(TemplateLoader.loadDirectory(resource("templates"))),
                  new StatusDecoder()),
              new Harmonizer(
                  TERMINOLOGY,
                  new UnitResolver(UnitAliases.shipped(), UcumUnits.load()),
                  HarmonizerSettings.DEFAULTS));
    }
    return standard;
  }

  static FhirTransactionMapper mapper() {
    return new FhirTransactionMapper(TERMINOLOGY, FhirMappingOptions.DEFAULTS);
  }

  /** A test resource as a path (test resources live in a directory, not a jar). */
  static Path resource(String name) {
    URL url = FhirTestPipeline.class.getClassLoader().getResource(name);
    if (url == null) {
      throw new IllegalStateException("test resource " + name + " not found");
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One reading; {@code value} is written as a JSON number. */
  static String reading(String device, Instant ts, String label, String value, String unit) {
    return "{\"dev\":\""
        + device
        + "\",\"ts\":\""
        + ts
        + "\",\"label\":\""
        + label
        + "\",\"value\":"
        + value
        + ",\"unit\":\""
        + unit
        + "\"}";
  }

  /** One blood pressure cycle in mmHg; {@code mean} may be {@code null}. */
  static String bloodPressure(String device, Instant ts, int sys, int dia, Integer mean) {
    return "{\"dev\":\""
        + device
        + "\",\"ts\":\""
        + ts
        + "\",\"sys\":"
        + sys
        + ",\"dia\":"
        + dia
        + (mean == null ? "" : ",\"map\":" + mean)
        + "}";
  }

  static RawMessage raw(String id, String payload, Instant receivedAt) {
    return new RawMessage(
        id,
        payload.getBytes(StandardCharsets.UTF_8),
        CONTENT_TYPE,
        ADAPTER,
        "test-source",
        null,
        receivedAt);
  }

  /**
   * One reading with a result status, as HL7 OBX-11 gives it (the JSON templates cannot): {@code
   * device|time|label|value|unit|status}, the status as {@link MeasurementStatus#code()}; an empty
   * value with {@code entered-in-error} is a retraction without a value.
   */
  static RawMessage withStatus(
      String id,
      String device,
      Instant ts,
      String label,
      String value,
      String unit,
      String status,
      Instant receivedAt) {
    return new RawMessage(
        id,
        String.join("|", device, ts.toString(), label, value, unit, status)
            .getBytes(StandardCharsets.UTF_8),
        StatusDecoder.CONTENT_TYPE,
        ADAPTER,
        "test-source",
        null,
        receivedAt);
  }

  /** Reads {@link #withStatus} payloads. */
  static final class StatusDecoder implements PayloadDecoder {
    static final String CONTENT_TYPE = "text/x-test-status";

    @Override
    public boolean accepts(String contentType) {
      return CONTENT_TYPE.equals(contentType);
    }

    @Override
    public MappingResult decode(RawMessage message) {
      String[] f = new String(message.payload(), StandardCharsets.UTF_8).split("\\|", -1);
      DeviceReading reading =
          new DeviceReading(f[0], f[2], f[3], f[4], f[1], TimeSpec.of(TimeFormat.ISO), null, null)
              .withStatus(MeasurementStatus.ofCode(f[5]));
      return new MappingResult.Mapped("test-status@1", List.of(reading));
    }
  }

  /** The deterministic id the harmonizer gives this quantity (value and unit canonical). */
  static UUID expectedId(String device, int mdc, Instant observedAt, String value, String unit) {
    MetricCode code =
        TERMINOLOGY
            .byMdc(mdc)
            .orElseThrow(() -> new IllegalStateException("no metric " + mdc))
            .code();
    return MeasurementIds.of(
        new DeviceId(device), code, observedAt, new Value.Quantity(new BigDecimal(value), unit));
  }
}
