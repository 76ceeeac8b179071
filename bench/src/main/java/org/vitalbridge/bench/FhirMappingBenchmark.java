package org.vitalbridge.bench;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Bundle;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.vitalbridge.core.harmonize.MeasurementIds;
import org.vitalbridge.core.model.DeviceId;
import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.core.model.MeasurementStatus;
import org.vitalbridge.core.model.Provenance;
import org.vitalbridge.core.model.Value;
import org.vitalbridge.core.terminology.MetricDefinition;
import org.vitalbridge.core.terminology.Terminology;
import org.vitalbridge.core.terminology.TerminologyLoader;
import org.vitalbridge.fhir.FhirMappingOptions;
import org.vitalbridge.fhir.FhirTransactionMapper;

/**
 * Measurements to a FHIR R4 transaction Bundle serialized as JSON — what the FHIR destination does
 * per batch before the HTTP call. One operation is one Observation-producing measurement; the batch
 * is 50 measurements (SpO2, heart rate, temperature, respiratory rate and a NIBP panel per bedside
 * cycle, 10 cycles from 5 devices).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FhirMappingBenchmark {
  private static final int BATCH = 50;

  private FhirTransactionMapper mapper;
  private IParser json;
  private List<Measurement> batch;

  @Setup
  public void setUp() {
    Terminology terms = TerminologyLoader.shipped();
    mapper = new FhirTransactionMapper(terms, FhirMappingOptions.DEFAULTS);
    json = FhirContext.forR4Cached().newJsonParser();
    batch = new ArrayList<>();
    String[][] cycle = {
      {"spo2", "97"},
      {"heart_rate", "72"},
      {"body_temperature", "37.1"},
      {"resp_rate", "14"},
      {"nibp_systolic", "120"},
      {"nibp_diastolic", "80"}
    };
    Instant t0 = Instant.parse("2026-11-24T10:00:00Z");
    for (int i = 0; batch.size() < BATCH; i++) {
      DeviceId device = DeviceId.of("MON-" + (i % 5));
      Instant at = t0.plusSeconds(i);
      for (String[] c : cycle) {
        if (batch.size() == BATCH) {
          break;
        }
        MetricDefinition def = terms.byKey(c[0]).orElseThrow();
        Value v = new Value.Quantity(new BigDecimal(c[1]), def.unit());
        batch.add(
            new Measurement(
                MeasurementIds.of(device, def.code(), at, v),
                device,
                "MRN-" + (i % 5),
                "ICU-" + (i % 5),
                def.code(),
                v,
                at,
                at.plusMillis(200),
                MeasurementStatus.FINAL,
                Set.of(),
                new Provenance("raw-" + i, "mqtt", "acme-bedside@1")));
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public String mapAndSerialize() {
    Bundle bundle = mapper.transaction(batch);
    return json.encodeResourceToString(bundle);
  }
}
