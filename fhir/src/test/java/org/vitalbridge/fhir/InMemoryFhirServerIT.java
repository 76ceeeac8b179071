package org.vitalbridge.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Provenance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The test FHIR server itself, so that what {@link FhirDestinationIT} concludes from it can be
 * trusted: transaction semantics (conditional create and update, client ids, reference rewriting,
 * atomicity) and the faults as they appear on the wire.
 */
class InMemoryFhirServerIT {
  private static final FhirContext CTX = FhirContext.forR4Cached();
  private final InMemoryFhirServer server = InMemoryFhirServer.started();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void tearDown() {
    server.close();
  }

  private IGenericClient client() {
    // The cached context is shared with FhirDestination, which sets its own timeouts on it.
    CTX.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    CTX.getRestfulClientFactory().setConnectTimeout(10_000);
    CTX.getRestfulClientFactory().setSocketTimeout(10_000);
    return CTX.newRestfulGenericClient(server.baseUrl());
  }

  private static Bundle bundle(String... spo2Values) {
    FhirTransactionMapper mapper = FhirTestPipeline.mapper();
    return mapper.transaction(
        java.util.Arrays.stream(spo2Values)
            .map(v -> FhirTransactionMapperTest.m("spo2", v, "MRN-1"))
            .toList());
  }

  private HttpResponse<String> postRaw(String body, String bearer) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.baseUrl()))
            .header("Content-Type", "application/fhir+json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aTransactionCreatesRewritesReferencesAndAResendOnlyMatches() {
    Bundle request = bundle("97");

    Bundle first = client().transaction().withBundle(request).execute();
    Bundle second = client().transaction().withBundle(request).execute();

    assertThat(first.getType()).isEqualTo(Bundle.BundleType.TRANSACTIONRESPONSE);
    assertThat(first.getEntry())
        .extracting(e -> e.getResponse().getStatus())
        .containsExactly("201 Created", "201 Created", "201 Created");
    assertThat(second.getEntry())
        .extracting(e -> e.getResponse().getStatus())
        .containsExactly("200 OK", "200 OK", "200 OK");
    assertThat(second.getEntry().get(1).getResponse().getLocation())
        .isEqualTo(first.getEntry().get(1).getResponse().getLocation());

    assertThat(server.observationCount()).isEqualTo(1);
    assertThat(server.devices()).hasSize(1);
    assertThat(server.provenances()).hasSize(1);
    Observation o = server.observations().get(0);
    String key = request.getEntry().get(1).getRequest().getIfNoneExist().split("\\|", 2)[1];
    assertThat(server.observationsByIdentifier(key)).containsExactly(o);
    assertThat(server.writeCount(key)).isEqualTo(2);
    assertThat(server.conditionalMatches()).isEqualTo(1);
    assertThat(o.getDevice().getReference()).isEqualTo("Device/1");
    Provenance p = server.provenances().get(0);
    assertThat(p.getIdElement().getIdPart())
        .as("update-as-create keeps the client's id")
        .isEqualTo(request.getEntry().get(2).getResource().getIdElement().getIdPart());
    assertThat(p.getTargetFirstRep().getReference()).isEqualTo("Observation/1");
    assertThat(p.getAgentFirstRep().getWho().getReference()).isEqualTo("Device/1");
  }

  @Test
  void aContainmentTreeIsUpsertedOnceWithParentsResolvedAndARedeliveryOnlyMatches() {
    FhirTransactionMapper mapper = FhirTestPipeline.mapper();
    Bundle request = mapper.transaction(FhirDeviceHierarchyTest.twoVmdMessage());

    Bundle first = client().transaction().withBundle(request).execute();
    Bundle second = client().transaction().withBundle(request).execute();

    assertThat(first.getEntry())
        .extracting(e -> e.getResponse().getStatus())
        .containsOnly("201 Created");
    assertThat(second.getEntry())
        .extracting(e -> e.getResponse().getStatus())
        .as("a redelivery creates nothing")
        .containsOnly("200 OK");
    assertThat(server.devices()).hasSize(5);
    assertThat(server.observationCount()).isEqualTo(3);

    java.util.Map<String, Device> byId = new java.util.HashMap<>();
    server.devices().forEach(d -> byId.put(d.getIdentifierFirstRep().getValue(), d));
    String eui = "0123456789ABCDEF";
    Device mds = byId.get(eui);
    Device vmd = byId.get(eui + "/1.2/69642");
    Device channel = byId.get(eui + "/1.2.1/69642/69643");
    assertThat(mds.hasParent()).isFalse();
    assertThat(vmd.getParent().getReference()).isEqualTo(ref(mds));
    assertThat(channel.getParent().getReference()).isEqualTo(ref(vmd));
    assertThat(byId.get(eui + "/1.1.1/69798/70739").getParent().getReference())
        .isEqualTo(ref(byId.get(eui + "/1.1/69798")));
    assertThat(server.observations())
        .filteredOn(
            o -> o.getCode().getCoding().stream().anyMatch(c -> c.getCode().equals("150456")))
        .singleElement()
        .satisfies(o -> assertThat(o.getDevice().getReference()).isEqualTo(ref(channel)));

    // A later message from the same channel reuses its Device.
    Bundle later =
        mapper.transaction(
            List.of(
                FhirDeviceHierarchyTest.m(
                    "spo2",
                    "95",
                    new org.vitalbridge.core.model.Containment(
                        "1.2.1.1",
                        "69642^MDC_DEV_ANALY_SAT_O2_VMD",
                        "69643^MDC_DEV_ANALY_SAT_O2_CHAN"))));
    client().transaction().withBundle(later).execute();
    assertThat(server.devices()).hasSize(5);
    assertThat(server.observations())
        .filteredOn(o -> o.getValueQuantity().getValue().toPlainString().equals("95"))
        .singleElement()
        .satisfies(o -> assertThat(o.getDevice().getReference()).isEqualTo(ref(channel)));
  }

  private static String ref(Device d) {
    return "Device/" + d.getIdElement().getIdPart();
  }

  @Test
  void aPoisonValueRefusesTheWholeTransactionWithAnOperationOutcome() throws Exception {
    server.refuse(new BigDecimal("13"));
    String body = CTX.newJsonParser().encodeResourceToString(bundle("97", "13.0"));

    HttpResponse<String> response = postRaw(body, null);

    assertThat(response.statusCode()).isEqualTo(422);
    OperationOutcome oo =
        CTX.newJsonParser().parseResource(OperationOutcome.class, response.body());
    assertThat(oo.getIssueFirstRep().getDiagnostics())
        .isEqualTo(InMemoryFhirServer.refusalText(new BigDecimal("13")));
    assertThat(server.observationCount()).as("atomic: nothing of it is kept").isZero();
    assertThat(server.devices()).isEmpty();

    server.stopRefusing();
    assertThat(postRaw(body, null).statusCode()).isEqualTo(200);
    assertThat(server.observationCount()).isEqualTo(2);
  }

  @Test
  void faultsShowOnTheWire() throws Exception {
    String body = CTX.newJsonParser().encodeResourceToString(bundle("97"));

    server.respond429(1, 7);
    HttpResponse<String> tooMany = postRaw(body, null);
    assertThat(tooMany.statusCode()).isEqualTo(429);
    assertThat(tooMany.headers().firstValue("Retry-After")).contains("7");

    server.respond500(1);
    assertThat(postRaw(body, null).statusCode()).isEqualTo(500);

    server.requireBearer(t -> t.equals("good"));
    HttpResponse<String> anonymous = postRaw(body, null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate")).isPresent();
    assertThat(postRaw(body, "bad").statusCode()).isEqualTo(401);
    assertThat(server.observationCount()).isZero();

    assertThat(postRaw(body, "good").statusCode()).isEqualTo(200);
    assertThat(server.observationCount()).isEqualTo(1);
    assertThat(server.requests())
        .extracting(InMemoryFhirServer.RecordedRequest::status)
        .containsExactly(429, 500, 401, 401, 200);
  }

  @Test
  void aCommitWhoseResponseIsLostKeepsTheData() throws Exception {
    server.failAfterCommit(1);
    String body = CTX.newJsonParser().encodeResourceToString(bundle("97"));

    assertThat(postRaw(body, null).statusCode()).isEqualTo(500);
    assertThat(server.observationCount()).isEqualTo(1);
    assertThat(postRaw(body, null).statusCode()).isEqualTo(200);
    assertThat(server.observationCount()).isEqualTo(1);
  }

  @Test
  void aRestartKeepsThePortAndTheData() throws Exception {
    String body = CTX.newJsonParser().encodeResourceToString(bundle("97"));
    assertThat(postRaw(body, null).statusCode()).isEqualTo(200);
    int port = server.port();

    server.stop();
    assertThat(server.running()).isFalse();
    assertThatThrownBy(() -> postRaw(body, null)).isInstanceOf(ConnectException.class);

    server.start();
    assertThat(server.port()).isEqualTo(port);
    assertThat(server.observationCount()).isEqualTo(1);
    assertThat(postRaw(CTX.newJsonParser().encodeResourceToString(bundle("98")), null).statusCode())
        .isEqualTo(200);
    assertThat(server.observations())
        .extracting(o -> o.getValueQuantity().getValue().toPlainString())
        .containsExactly("97", "98");
    assertThat(server.creationOrder()).hasSize(2);
    assertThat(List.copyOf(server.devices())).hasSize(1);
  }
}
