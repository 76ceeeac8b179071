package org.vitalbridge.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Provenance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vitalbridge.core.harmonize.Harmonizer;
import org.vitalbridge.core.harmonize.HarmonizerSettings;
import org.vitalbridge.core.harmonize.MeasurementIds;
import org.vitalbridge.core.mapping.TemplateLoader;
import org.vitalbridge.core.model.DeviceId;
import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.core.model.MeasurementFlag;
import org.vitalbridge.core.model.MeasurementStatus;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.model.Value;
import org.vitalbridge.core.pipeline.JsonTemplateDecoder;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.core.pipeline.Outcome;
import org.vitalbridge.core.terminology.Terminology;
import org.vitalbridge.core.terminology.TerminologyLoader;
import org.vitalbridge.core.units.UcumUnits;
import org.vitalbridge.core.units.UnitAliases;
import org.vitalbridge.core.units.UnitResolver;

/**
 * Every resource produced from the shipped example payloads (through the real templates and
 * harmonizer), associated and unassociated, and from waveforms and flagged values, validates
 * against R4 core and, where declared, the vital-signs profiles.
 */
class FhirFixturesValidationTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Terminology TERMS = TerminologyLoader.shipped();
  private static final FhirTransactionMapper MAPPER =
      new FhirTransactionMapper(TERMS, FhirMappingOptions.DEFAULTS);

  private static List<Measurement> fromExample(String file, String subject) throws Exception {
    JsonTemplateDecoder decoder =
        new JsonTemplateDecoder(TemplateLoader.loadDirectory(ROOT.resolve("config/templates")));
    MessageProcessor processor =
        new MessageProcessor(
            List.of(decoder),
            new Harmonizer(
                TERMS,
                new UnitResolver(UnitAliases.shipped(), UcumUnits.load()),
                HarmonizerSettings.DEFAULTS));
    List<Measurement> out = new ArrayList<>();
    String firstLine = Files.readAllLines(ROOT.resolve("examples/" + file)).get(0);
    String text =
        file.endsWith(".ndjson") ? firstLine : Files.readString(ROOT.resolve("examples/" + file));
    JsonNode json = JsonTemplateDecoder.JSON.readTree(text);
    RawMessage raw =
        new RawMessage(
            "raw-" + file,
            text.getBytes(),
            "application/json",
            "test",
            null,
            null,
            Instant.parse("2026-11-24T12:00:00Z"));
    for (Outcome o : processor.harmonize(decoder.decode(json), raw)) {
      Measurement m = ((Outcome.Accepted) o).measurement();
      out.add(subject == null ? m : m.associatedWith(subject, m.location()));
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"acme-bedside.json", "nova-wearable.ndjson", "zen-gateway.json"})
  void exampleBundlesValidateAssociatedAndUnassociated(String file) throws Exception {
    for (String subject : new String[] {"MRN-0042", null}) {
      Bundle b = MAPPER.transaction(fromExample(file, subject));
      assertThat(b.getEntry()).isNotEmpty();
      for (Bundle.BundleEntryComponent e : b.getEntry()) {
        assertThat(FhirValidation.errors(e.getResource()))
            .as(
                file
                    + " "
                    + subject
                    + " "
                    + e.getResource().fhirType()
                    + " "
                    + FhirValidation.all(e.getResource()))
            .isEmpty();
      }
      assertThat(FhirValidation.errors(b)).as(FhirValidation.all(b).toString()).isEmpty();
      long provenances =
          b.getEntry().stream().filter(e -> e.getResource() instanceof Provenance).count();
      assertThat(provenances).isEqualTo(1);
    }
  }

  @Test
  void waveformsBecomeSampledDataAndValidate() {
    var ecg =
        new org.vitalbridge.core.model.MetricCode(
            131330, "MDC_ECG_ELEC_POTL_II", null, "ECG lead II");
    DeviceId device = DeviceId.of("MON-7");
    Instant at = Instant.parse("2026-11-24T10:15:00Z");
    Value series =
        new Value.SampledSeries(
            new BigDecimal("0"),
            new BigDecimal("4"),
            new BigDecimal("0.005"),
            "mV",
            List.of(12L, 15L, 40L, -3L));
    Measurement m =
        new Measurement(
            MeasurementIds.of(device, ecg, at, series),
            device,
            "MRN-1",
            null,
            ecg,
            series,
            at,
            at,
            MeasurementStatus.FINAL,
            Set.of(MeasurementFlag.DEVICE_ALARM),
            new org.vitalbridge.core.model.Provenance("raw-w", "mllp", null));

    Bundle b = MAPPER.transaction(List.of(m));
    Observation o =
        b.getEntry().stream()
            .map(Bundle.BundleEntryComponent::getResource)
            .filter(Observation.class::isInstance)
            .map(Observation.class::cast)
            .findFirst()
            .orElseThrow();

    assertThat(o.getValueSampledData().getData()).isEqualTo("12 15 40 -3");
    assertThat(o.getValueSampledData().getPeriod()).isEqualByComparingTo("4");
    assertThat(o.getValueSampledData().getOrigin().getCode()).isEqualTo("mV");
    assertThat(o.getInterpretationFirstRep().getCodingFirstRep().getCode()).isEqualTo("A");
    assertThat(o.getCode().getCodingFirstRep().getSystem())
        .isEqualTo("urn:iso:std:iso:11073:10101");
    for (Bundle.BundleEntryComponent e : b.getEntry()) {
      assertThat(FhirValidation.errors(e.getResource()))
          .as(FhirValidation.all(e.getResource()).toString())
          .isEmpty();
    }
  }

  /**
   * A PCD-01 waveform strip as the HL7 decoder reads it (decimal mV samples kept exactly as data ×
   * 10^-8, period 1000 / 150 Hz, MDC unit) through the real harmonizer and the FHIR mapping, then
   * through FHIR JSON and back: the SampledData says what the strip said.
   */
  @Test
  void aDecodedWaveformStripRoundTripsThroughSampledData() {
    Harmonizer harmonizer =
        new Harmonizer(
            TERMS,
            new UnitResolver(UnitAliases.shipped(), UcumUnits.load()),
            HarmonizerSettings.DEFAULTS);
    Value.SampledSeries decoded =
        new Value.SampledSeries(
            BigDecimal.ZERO,
            new BigDecimal("6.666666666666667"),
            new BigDecimal("0.00000001"),
            "266418",
            List.of(104980469L, 105468750L, 104003906L, -53714565L));
    org.vitalbridge.core.model.DeviceReading reading =
        new org.vitalbridge.core.model.DeviceReading(
            "MON-7",
            "131330",
            null,
            "266418",
            "20261124101500+0000",
            org.vitalbridge.core.time.TimeSpec.of(org.vitalbridge.core.time.TimeFormat.HL7_DTM),
            null,
            null,
            "MRN-1",
            null,
            decoded);
    var result =
        harmonizer.harmonize(
            reading,
            Instant.parse("2026-11-24T10:16:00Z"),
            new org.vitalbridge.core.model.Provenance("raw-w", "mllp", "hl7v2-pcd01@1"));
    Measurement m =
        ((org.vitalbridge.core.harmonize.HarmonizeResult.Accepted) result).measurement();

    Bundle b = MAPPER.transaction(List.of(m));
    var json = ca.uhn.fhir.context.FhirContext.forR4Cached().newJsonParser();
    Bundle back = json.parseResource(Bundle.class, json.encodeResourceToString(b));
    Observation o =
        back.getEntry().stream()
            .map(Bundle.BundleEntryComponent::getResource)
            .filter(Observation.class::isInstance)
            .map(Observation.class::cast)
            .findFirst()
            .orElseThrow();

    var d = o.getValueSampledData();
    assertThat(d.getPeriod()).isEqualByComparingTo("6.666666666666667");
    assertThat(d.getDimensions()).isEqualTo(1);
    assertThat(d.getFactor()).isEqualByComparingTo("0.00000001");
    assertThat(d.getFactorElement().getValueAsString())
        .as("plain, not 1E-8")
        .isEqualTo("0.00000001");
    assertThat(d.getOrigin().getValue()).isEqualByComparingTo("0");
    assertThat(d.getOrigin().getCode()).isEqualTo("mV");
    assertThat(d.getOrigin().getSystem()).isEqualTo("http://unitsofmeasure.org");
    assertThat(d.getData()).isEqualTo("104980469 105468750 104003906 -53714565");
    assertThat(o.getCode().getCoding())
        .anySatisfy(
            c -> {
              assertThat(c.getSystem()).isEqualTo("urn:iso:std:iso:11073:10101");
              assertThat(c.getCode()).isEqualTo("131330");
            });
    assertThat(o.getEffectiveDateTimeType().getValue().toInstant())
        .isEqualTo(Instant.parse("2026-11-24T10:15:00Z"));
    for (Bundle.BundleEntryComponent e : b.getEntry()) {
      assertThat(FhirValidation.errors(e.getResource()))
          .as(FhirValidation.all(e.getResource()).toString())
          .isEmpty();
    }
  }
}
