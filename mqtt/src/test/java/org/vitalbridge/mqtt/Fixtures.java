package org.vitalbridge.mqtt;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.vitalbridge.core.harmonize.Harmonizer;
import org.vitalbridge.core.harmonize.HarmonizerSettings;
import org.vitalbridge.core.mapping.MappingResult;
import org.vitalbridge.core.mapping.TemplateLoader;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.pipeline.JsonTemplateDecoder;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.core.pipeline.PayloadDecoder;
import org.vitalbridge.core.terminology.TerminologyLoader;
import org.vitalbridge.core.units.UnitResolver;
import org.vitalbridge.store.MeasurementQuery;

/** The pipeline and payloads the MQTT tests share: the ACME bedside template, JSON payloads. */
final class Fixtures {
  static final Instant NOW = Instant.parse("2026-11-24T10:16:00Z");

  /** 2026-11-24T10:15:00Z, a minute before {@link #NOW}. */
  static final long TS = 1_795_515_300_000L;

  static final JsonTemplateDecoder DECODER =
      new JsonTemplateDecoder(
          TemplateLoader.loadFiles(
              List.of(Path.of("src/test/resources/mqtt-templates/acme-bedside.yaml"))));

  static final Harmonizer HARMONIZER =
      new Harmonizer(
          TerminologyLoader.shipped(), UnitResolver.shipped(), HarmonizerSettings.DEFAULTS);

  static final MessageProcessor PROCESSOR = new MessageProcessor(List.of(DECODER), HARMONIZER);

  static final MeasurementQuery ALL =
      new MeasurementQuery(
          null,
          null,
          null,
          Instant.parse("2000-01-01T00:00:00Z"),
          Instant.parse("2100-01-01T00:00:00Z"),
          100_000);

  private Fixtures() {}

  /** An ACME reading: heart rate and SpO2 (2 measurements) at {@code TS + offsetMillis}. */
  static byte[] reading(String device, long offsetMillis) {
    return json(
        "{\"model\":\"ACME-BM5\",\"deviceId\":\""
            + device
            + "\",\"bed\":\"ICU-3\",\"ts\":"
            + (TS + offsetMillis)
            + ",\"hr\":72,\"spo2\":97}");
  }

  /** A reading whose only value is not a number: every reading rejected at harmonization. */
  static byte[] allRejected(String device) {
    return json(
        "{\"model\":\"ACME-BM5\",\"deviceId\":\""
            + device
            + "\",\"ts\":"
            + TS
            + ",\"hr\":\"fast\"}");
  }

  /** Heart rate fine, SpO2 not a number: one stored, one quarantined. */
  static byte[] mixed(String device) {
    return json(
        "{\"model\":\"ACME-BM5\",\"deviceId\":\""
            + device
            + "\",\"ts\":"
            + TS
            + ",\"hr\":72,\"spo2\":\"n/a\"}");
  }

  /** The fixtures' pipeline, with a decoder that says when it has read a message. */
  static MessageProcessor signalling(CountDownLatch decoded) {
    PayloadDecoder spy =
        new PayloadDecoder() {
          @Override
          public boolean accepts(String contentType) {
            return DECODER.accepts(contentType);
          }

          @Override
          public MappingResult decode(RawMessage message) {
            try {
              return DECODER.decode(message);
            } finally {
              decoded.countDown();
            }
          }
        };
    return new MessageProcessor(List.of(spy), HARMONIZER);
  }

  static byte[] json(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
