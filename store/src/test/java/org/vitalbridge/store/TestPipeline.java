package org.vitalbridge.store;

import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.vitalbridge.core.harmonize.Harmonizer;
import org.vitalbridge.core.harmonize.HarmonizerSettings;
import org.vitalbridge.core.harmonize.MeasurementIds;
import org.vitalbridge.core.mapping.TemplateLoader;
import org.vitalbridge.core.model.DeviceId;
import org.vitalbridge.core.model.MetricCode;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.model.Value;
import org.vitalbridge.core.pipeline.JsonTemplateDecoder;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.core.terminology.Terminology;
import org.vitalbridge.core.terminology.TerminologyLoader;
import org.vitalbridge.core.units.UcumUnits;
import org.vitalbridge.core.units.UnitAliases;
import org.vitalbridge.core.units.UnitResolver;

/**
 * A real {@link MessageProcessor} (JSON template decoder + harmonizer with the shipped terminology
 * and UCUM) over the test template {@code templates/test-json.yaml}, and builders for its payloads:
 * {@code {"dev":"D1","ts":"2026-11-20T10:00:00Z","label":"SpO2","value":97,"unit":"%"}}.
 */
final class TestPipeline {
  static final String CONTENT_TYPE = "application/json";
  static final String ADAPTER = "test";
  static final String MAPPING = "test-json@1";
  static final int MDC_SPO2 = 150456;
  static final int MDC_HEART_RATE = 147842;

  private static MessageProcessor standard;
  private static UcumUnits ucum;

  private TestPipeline() {}

  /** The processor with the shipped terminology (cached: loading UCUM takes a moment). */
  static synchronized MessageProcessor standard() {
    if (standard == null) {
      standard = processor(TerminologyLoader.shipped());
    }
    return standard;
  }

  /** A processor whose terminology has the given override files applied. */
  static MessageProcessor withOverrides(List<Path> overrides) {
    return processor(TerminologyLoader.load(overrides));
  }

  private static synchronized MessageProcessor processor(Terminology terminology) {
    if (ucum == null) {
      ucum = UcumUnits.load();
    }
    return new MessageProcessor(
        List.of(
            new JsonTemplateDecoder(TemplateLoader.loadDirectory(resource("templates"))),
            new TestPatientDecoder()),
        new Harmonizer(
            terminology,
            new UnitResolver(UnitAliases.shipped(), ucum),
            HarmonizerSettings.DEFAULTS));
  }

  /** A test resource as a path (test resources live in a directory, not a jar). */
  static Path resource(String name) {
    URL url = TestPipeline.class.getClassLoader().getResource(name);
    if (url == null) {
      throw new IllegalStateException("test resource " + name + " not found");
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The JSON payload the test template reads; {@code value} is written as a JSON number. */
  static String payload(String device, Instant ts, String label, String value, String unit) {
    return payload(device, ts, label, value, unit, null);
  }

  static String payload(
      String device, Instant ts, String label, String value, String unit, String bed) {
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
        + "\""
        + (bed == null ? "" : ",\"bed\":\"" + bed + "\"")
        + "}";
  }

  static RawMessage raw(String id, String payload, Instant receivedAt) {
    return raw(id, payload.getBytes(StandardCharsets.UTF_8), CONTENT_TYPE, receivedAt);
  }

  static RawMessage raw(String id, byte[] payload, String contentType, Instant receivedAt) {
    return new RawMessage(id, payload, contentType, ADAPTER, "test-source", null, receivedAt);
  }

  /** An SpO2 reading of {@code device} observed at {@code ts}, received one second later. */
  static RawMessage spo2(String id, String device, Instant ts, int percent) {
    return raw(id, payload(device, ts, "SpO2", Integer.toString(percent), "%"), ts.plusSeconds(1));
  }

  /** The deterministic id the harmonizer gives this quantity. */
  static java.util.UUID expectedId(
      String device, int mdc, Instant observedAt, String value, String unit) {
    MetricCode code =
        TerminologyLoader.shipped()
            .byMdc(mdc)
            .orElseThrow(() -> new IllegalStateException("no metric " + mdc))
            .code();
    return MeasurementIds.of(
        new DeviceId(device), code, observedAt, new Value.Quantity(new BigDecimal(value), unit));
  }
}
