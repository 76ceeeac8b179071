package org.vitalbridge.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;

class FhirCommandTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void printsTheTransactionBundleTheServerWouldSend() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        Main.execute(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            "fhir",
            "--templates",
            ROOT.resolve("config/templates").toString(),
            ROOT.resolve("examples/acme-bedside.json").toString(),
            ROOT.resolve("examples/nova-wearable.ndjson").toString());

    assertThat(exit).isZero();
    Bundle b =
        FhirContext.forR4Cached().newJsonParser().parseResource(Bundle.class, out.toString());
    assertThat(b.getType()).isEqualTo(Bundle.BundleType.TRANSACTION);
    List<Observation> observations =
        b.getEntry().stream()
            .map(Bundle.BundleEntryComponent::getResource)
            .filter(Observation.class::isInstance)
            .map(Observation.class::cast)
            .toList();
    assertThat(observations)
        .anySatisfy(
            o -> {
              assertThat(o.getCode().getCodingFirstRep().getCode()).isEqualTo("85354-9");
              assertThat(o.getComponent()).hasSize(3);
            });
    assertThat(observations)
        .anySatisfy(o -> assertThat(o.getValueQuantity().getCode()).isEqualTo("Cel"));
    assertThat(b.getEntry())
        .filteredOn(e -> e.getResource() instanceof Observation)
        .allSatisfy(
            e ->
                assertThat(e.getRequest().getIfNoneExist())
                    .startsWith("identifier=urn:ietf:rfc:3986|urn:uuid:"));
    assertThat(err.toString())
        .contains("rejected out-of-range")
        .contains("rejected malformed-payload");
  }

  @Test
  void templateErrorsExitTwo() {
    StringWriter err = new StringWriter();
    int exit =
        Main.execute(
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true),
            "fhir",
            "--templates",
            "/no/such/dir",
            ROOT.resolve("examples/acme-bedside.json").toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("template directory not found");
  }
}
