package org.vitalbridge.fhir;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.math.BigDecimal;
import java.util.Date;
import java.util.TimeZone;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.SampledData;
import org.hl7.fhir.r4.model.SimpleQuantity;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.core.model.MeasurementFlag;
import org.vitalbridge.core.model.MetricCode;
import org.vitalbridge.core.model.Value;
import org.vitalbridge.core.terminology.MetricDefinition;
import org.vitalbridge.core.terminology.Terminology;

/** One measurement as one FHIR R4 Observation, and the parts blood pressure panels reuse. */
final class ObservationMapper {
  private final Terminology terminology;
  private final FhirMappingOptions options;

  ObservationMapper(Terminology terminology, FhirMappingOptions options) {
    this.terminology = terminology;
    this.options = options;
  }

  Observation observation(Measurement m, Reference device) {
    Observation o = base(m, m.metric().loinc(), device);
    o.addIdentifier(identifier(m.id().toString()));
    o.setCode(code(m.metric()));
    o.setValue(value(m.value()));
    return o;
  }

  /** Status, category, profile, subject, time, device, flags — shared with panels. */
  Observation base(Measurement m, String loinc, Reference device) {
    Observation o = new Observation();
    o.setStatus(status(m));
    if (VitalSigns.isVitalSign(loinc)) {
      o.addCategory(category("vital-signs", "Vital Signs"));
      String profile = VitalSigns.profile(loinc);
      if (profile != null && m.subject() != null) {
        o.getMeta().addProfile(profile);
      }
    } else if (loinc != null && isGlucose(loinc)) {
      o.addCategory(category("laboratory", "Laboratory"));
    }
    if (m.subject() != null) {
      o.setSubject(
          new Reference()
              .setType("Patient")
              .setIdentifier(
                  new Identifier()
                      .setSystem(options.patientIdentifierSystem())
                      .setValue(m.subject())));
    }
    o.setEffective(instant(m));
    o.setDevice(device);
    for (MeasurementFlag flag : m.flags()) {
      o.getMeta()
          .addTag(
              FhirSystems.FLAG,
              flag.code(),
              flag.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
      if (flag == MeasurementFlag.DEVICE_ALARM || flag == MeasurementFlag.OUT_OF_RANGE) {
        o.addInterpretation(concept(FhirSystems.INTERPRETATION, "A", "Abnormal"));
      }
    }
    if (!m.flags().isEmpty()) {
      o.addNote()
          .setText(
              "VitalBridge flags: "
                  + m.flags().stream()
                      .map(MeasurementFlag::code)
                      .sorted()
                      .collect(Collectors.joining(", ")));
    }
    return o;
  }

  /** LOINC codings (the metric's and any the FHIR profile needs), then the MDC coding. */
  CodeableConcept code(MetricCode metric) {
    CodeableConcept cc = new CodeableConcept();
    if (metric.loinc() != null) {
      cc.addCoding().setSystem(FhirSystems.LOINC).setCode(metric.loinc());
      MetricDefinition def = terminology.byMdc(metric.mdc()).orElse(null);
      if (def != null) {
        def.alsoLoinc().forEach(l -> cc.addCoding().setSystem(FhirSystems.LOINC).setCode(l));
      }
    }
    cc.addCoding()
        .setSystem(FhirSystems.MDC)
        .setCode(Integer.toString(metric.mdc()))
        .setDisplay(metric.refId());
    cc.setText(metric.display());
    return cc;
  }

  static Type value(Value v) {
    if (v instanceof Value.Quantity q) {
      return quantity(q);
    }
    if (v instanceof Value.Coded c) {
      return concept(c.system(), c.code(), c.display());
    }
    if (v instanceof Value.SampledSeries s) {
      SampledData d = new SampledData();
      SimpleQuantity origin = new SimpleQuantity();
      origin.setValue(s.origin()).setUnit(s.unit()).setSystem(FhirSystems.UCUM).setCode(s.unit());
      d.setOrigin(origin);
      d.setPeriod(s.periodMillis());
      d.setFactor(s.factor());
      d.setDimensions(1);
      d.setData(s.data().stream().map(String::valueOf).collect(Collectors.joining(" ")));
      return d;
    }
    return new StringType(((Value.Text) v).text());
  }

  static Quantity quantity(Value.Quantity q) {
    return new Quantity()
        .setValue(plain(q.number()))
        .setUnit(q.unit())
        .setSystem(FhirSystems.UCUM)
        .setCode(q.unit());
  }

  static Identifier identifier(String uuid) {
    return new Identifier().setSystem(FhirSystems.URI).setValue("urn:uuid:" + uuid);
  }

  private static BigDecimal plain(BigDecimal n) {
    return n.scale() < 0 ? n.setScale(0) : n;
  }

  private static DateTimeType instant(Measurement m) {
    return new DateTimeType(
        Date.from(m.observedAt()), TemporalPrecisionEnum.MILLI, TimeZone.getTimeZone("UTC"));
  }

  private static Observation.ObservationStatus status(Measurement m) {
    return switch (m.status()) {
      case FINAL -> Observation.ObservationStatus.FINAL;
      case PRELIMINARY -> Observation.ObservationStatus.PRELIMINARY;
      case AMENDED -> Observation.ObservationStatus.AMENDED;
      case ENTERED_IN_ERROR -> Observation.ObservationStatus.ENTEREDINERROR;
    };
  }

  private static CodeableConcept category(String code, String display) {
    return concept(FhirSystems.OBSERVATION_CATEGORY, code, display);
  }

  static CodeableConcept concept(String system, String code, String display) {
    CodeableConcept cc = new CodeableConcept();
    cc.addCoding().setSystem(system).setCode(code).setDisplay(display);
    return cc;
  }

  private static boolean isGlucose(String loinc) {
    return loinc.equals("41653-7")
        || loinc.equals("14743-9")
        || loinc.equals("2339-0")
        || loinc.equals("15074-8")
        || loinc.equals("2345-7")
        || loinc.equals("14749-6");
  }
}
