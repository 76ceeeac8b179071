package org.vitalbridge.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vitalbridge.store.Consents;

class ConsentImportTest {
  private static String consent(String id, String status, String patient, String type) {
    return "{\"resourceType\":\"Consent\",\"id\":\""
        + id
        + "\",\"status\":\""
        + status
        + "\",\"patient\":"
        + patient
        + ",\"provision\":{\"type\":\""
        + type
        + "\",\"period\":{\"start\":\"2026-11-01T00:00:00Z\",\"end\":\"2026-12-01T00:00:00Z\"}}}";
  }

  @Test
  void anActivePermitNamesThePatientByIdentifierWithItsPeriod() {
    List<Consents.Consent> c =
        ConsentImport.parse(
            consent("c1", "active", "{\"identifier\":{\"value\":\"MRN-1\"}}", "permit"));

    assertThat(c)
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.patient()).isEqualTo("MRN-1");
              assertThat(x.source()).isEqualTo("Consent/c1");
              assertThat(x.state()).isEqualTo(Consents.State.PERMIT);
              assertThat(x.start()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
              assertThat(x.end()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
            });
  }

  @Test
  void aPatientReferenceAndAWithdrawnConsentGiveADeny() {
    assertThat(
            ConsentImport.parse(
                consent("c2", "inactive", "{\"reference\":\"Patient/MRN-2\"}", "permit")))
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.patient()).isEqualTo("MRN-2");
              assertThat(x.state()).isEqualTo(Consents.State.DENY);
            });
  }

  @Test
  void aBundleOfConsentsGivesEach() {
    String bundle =
        "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":"
            + consent("a", "active", "{\"identifier\":{\"value\":\"MRN-1\"}}", "permit")
            + "},{\"resource\":"
            + consent("b", "active", "{\"identifier\":{\"value\":\"MRN-2\"}}", "deny")
            + "}]}";

    assertThat(ConsentImport.parse(bundle))
        .extracting(Consents.Consent::state)
        .containsExactly(Consents.State.PERMIT, Consents.State.DENY);
  }

  @Test
  void whatIsNotAUsableConsentIsRefusedWithAReason() {
    assertThatThrownBy(() -> ConsentImport.parse("{\"resourceType\":\"Patient\"}"))
        .hasMessageContaining("Consent");
    assertThatThrownBy(
            () ->
                ConsentImport.parse(
                    consent("d", "draft", "{\"reference\":\"Patient/x\"}", "permit")))
        .hasMessageContaining("status");
    assertThatThrownBy(
            () ->
                ConsentImport.parse(
                    consent("e", "active", "{\"reference\":\"Group/x\"}", "permit")))
        .hasMessageContaining("Consent.patient");
  }
}
