package org.vitalbridge.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vitalbridge.fhir.FhirTestPipeline.raw;
import static org.vitalbridge.fhir.FhirTestPipeline.reading;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.core.testkit.MutableClock;
import org.vitalbridge.store.Consents;
import org.vitalbridge.store.Minimization;
import org.vitalbridge.store.RetentionPolicy;
import org.vitalbridge.store.Store;
import org.vitalbridge.store.StoreConfig;

/**
 * Consent and minimization at a real FHIR server: a destination that requires consent receives only
 * the patients whose consent covers the observation (the others withheld and counted, released by a
 * later permit), and an analytics destination receives pseudonyms, never the MRN.
 */
class FhirConsentIT {
  private static final String CLINICAL = "fhir";
  private static final String RESEARCH = "research";
  private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  private static final byte[] KEY = "test-only-pseudonym-key".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-20T12:00:00Z"));
  private InMemoryFhirServer fhir;
  private Store store;
  private int rawCounter;

  @BeforeEach
  void setUp() {
    fhir = InMemoryFhirServer.started();
    store =
        Store.open(
            StoreConfig.sqlite(dir.resolve("vitalbridge.db"))
                .withDestinations(List.of(CLINICAL))
                .withRequiresConsent(Set.of(CLINICAL)),
            FhirTestPipeline.processor(),
            clock,
            RetentionPolicy.DEFAULT);
  }

  @AfterEach
  void tearDown() {
    store.close();
    fhir.close();
  }

  @Test
  void aConsentGatedDestinationReceivesOnlyConsentingPatientsData() throws Exception {
    store.associations().associate("MON-A", null, "MRN-1001", null, T0.minusSeconds(3600), "test");
    store.associations().associate("MON-B", null, "MRN-2002", null, T0.minusSeconds(3600), "test");
    store.associations().associate("MON-C", null, "MRN-3003", null, T0.minusSeconds(3600), "test");
    store
        .consents()
        .record(
            new Consents.Consent(
                "MRN-1001", "api", Consents.State.PERMIT, T0.minusSeconds(60), null, null));
    store
        .consents()
        .record(new Consents.Consent("MRN-2002", "api", Consents.State.DENY, null, null, null));
    // MRN-3003 never answered: no consent is no permit.
    journal("MON-A", "97");
    journal("MON-B", "96");
    journal("MON-C", "95");
    store.pipeline().drain();

    FhirDestination destination = destination(CLINICAL, Minimization.NONE);
    destination.deliverOnce();

    assertThat(subjects()).containsExactly("MRN-1001");
    assertThat(store.outbox().status(CLINICAL).withheld()).isEqualTo(2);
    assertThat(store.outbox().status(CLINICAL).backlog()).isZero();

    // The patient who had not answered permits: what was withheld goes now.
    int released =
        store
            .consents()
            .record(
                new Consents.Consent("MRN-3003", "api", Consents.State.PERMIT, null, null, null));
    assertThat(released).isEqualTo(1);
    destination.deliverOnce();

    assertThat(subjects()).containsExactlyInAnyOrder("MRN-1001", "MRN-3003");
    assertThat(store.outbox().status(CLINICAL).withheld()).isEqualTo(1);
  }

  @Test
  void aPermitThatDoesNotCoverTheObservationTimeWithholdsIt() throws Exception {
    store.associations().associate("MON-A", null, "MRN-1001", null, T0.minusSeconds(3600), "test");
    store
        .consents()
        .record(
            new Consents.Consent(
                "MRN-1001", "api", Consents.State.PERMIT, T0.plusSeconds(60), null, null));
    journal("MON-A", "97");
    store.pipeline().drain();

    destination(CLINICAL, Minimization.NONE).deliverOnce();

    assertThat(fhir.observationCount()).isZero();
    assertThat(store.outbox().status(CLINICAL).withheld()).isEqualTo(1);
  }

  @Test
  void anAnalyticsDestinationReceivesThePseudonymNeverTheMrn() throws Exception {
    store.close();
    store =
        Store.open(
            StoreConfig.sqlite(dir.resolve("research.db")).withDestinations(List.of(RESEARCH)),
            FhirTestPipeline.processor(),
            clock,
            RetentionPolicy.DEFAULT);
    store.associations().associate("MON-A", null, "MRN-1001", null, T0.minusSeconds(3600), "test");
    journal("MON-A", "97");
    journal("MON-A", "98");
    store.pipeline().drain();
    Minimization analytics = new Minimization(Set.of("subject"), KEY);

    destination(RESEARCH, analytics).deliverOnce();

    String pseudonym = analytics.pseudonym("patient", "MRN-1001");
    assertThat(subjects()).containsOnly(pseudonym).hasSize(2);
    assertThat(fhir.observations())
        .allSatisfy(
            o ->
                assertThat(o.getSubject().getIdentifier().getSystem())
                    .isEqualTo("http://vitalbridge.org/fhir/NamingSystem/pseudonym"));
    String everything =
        fhir.requests().stream()
            .map(r -> new String(r.body(), StandardCharsets.UTF_8))
            .reduce("", String::concat);
    assertThat(everything).doesNotContain("MRN-1001").doesNotContain("MON-A");
  }

  private FhirDestination destination(String name, Minimization minimization) {
    FhirDestinationConfig config =
        new FhirDestinationConfig(
            name, fhir.baseUrl(), false, 50, Duration.ZERO, false, Duration.ofSeconds(10));
    return new FhirDestination(
        config,
        store.outbox(),
        new FhirTransactionMapper(
            FhirTestPipeline.TERMINOLOGY,
            new FhirMappingOptions(
                minimization.pseudonymizes()
                    ? "http://vitalbridge.org/fhir/NamingSystem/pseudonym"
                    : FhirMappingOptions.DEFAULTS.patientIdentifierSystem(),
                FhirMappingOptions.DEFAULTS.deviceIdentifierSystem())),
        clock,
        null,
        minimization);
  }

  private List<String> subjects() {
    return fhir.observations().stream()
        .map(Observation::getSubject)
        .map(s -> s.getIdentifier().getValue())
        .toList();
  }

  private void journal(String device, String value) throws Exception {
    Instant ts = T0.plusSeconds(++rawCounter);
    store
        .journal()
        .append(raw("raw-" + rawCounter, reading(device, ts, "SpO2", value, "%"), ts))
        .get(10, TimeUnit.SECONDS);
  }
}
