package org.vitalbridge.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.store.NegativeAcks;

/** Negative HL7 acknowledgments, searchable over real HTTP. */
class NegativeAcksApiIT {
  @TempDir Path tmp;

  private static HttpResponse<byte[]> get(ApiFixture f, String path) throws Exception {
    return f.http.send(
        HttpRequest.newBuilder(f.uri(path)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void negativeAcknowledgmentsAreSearchableByDirectionPeerCodeAndControlId() throws Exception {
    try (ApiFixture f = ApiFixture.start(tmp)) {
      NegativeAcks nacks = f.store.negativeAcks();
      nacks.record(
          NegativeAcks.INBOUND,
          "MONITOR-7",
          "MSG-1",
          "AE",
          List.of(new NegativeAcks.Error("OBX^2^5", "102", "not a number: 'fast'")),
          "raw-1");
      nacks.record(
          NegativeAcks.OUTBOUND,
          "hl7",
          "VB0001",
          "AR",
          List.of(new NegativeAcks.Error(null, "203", "unsupported version")),
          null);
      nacks.record(NegativeAcks.INBOUND, "MONITOR-8", "MSG-9", "AR", List.of(), "raw-2");

      JsonNode all = ApiFixture.json(get(f, "/api/v1/hl7/negative-acks"));
      assertThat(all.get("negativeAcks")).hasSize(3);
      assertThat(all.get("negativeAcks").get(0).get("controlId").asText()).isEqualTo("MSG-9");

      JsonNode inboundAe =
          ApiFixture.json(get(f, "/api/v1/hl7/negative-acks?direction=in&code=ae"))
              .get("negativeAcks");
      assertThat(inboundAe).hasSize(1);
      JsonNode entry = inboundAe.get(0);
      assertThat(entry.get("peer").asText()).isEqualTo("MONITOR-7");
      assertThat(entry.get("rawId").asText()).isEqualTo("raw-1");
      assertThat(entry.at("/errors/0/location").asText()).isEqualTo("OBX^2^5");
      assertThat(entry.at("/errors/0/code").asText()).isEqualTo("102");

      assertThat(
              ApiFixture.json(get(f, "/api/v1/hl7/negative-acks?peer=hl7&controlId=VB0001"))
                  .get("negativeAcks"))
          .singleElement()
          .satisfies(e -> assertThat(e.get("direction").asText()).isEqualTo("out"));

      // Paging: the page's next cursor leads to the older entries.
      JsonNode first = ApiFixture.json(get(f, "/api/v1/hl7/negative-acks?limit=2"));
      assertThat(first.get("negativeAcks")).hasSize(2);
      JsonNode second =
          ApiFixture.json(
              get(f, "/api/v1/hl7/negative-acks?limit=2&before=" + first.get("next").asLong()));
      assertThat(second.get("negativeAcks")).hasSize(1);
      assertThat(second.at("/negativeAcks/0/controlId").asText()).isEqualTo("MSG-1");
    }
  }

  @Test
  void badFiltersAreProblems() throws Exception {
    try (ApiFixture f = ApiFixture.start(tmp)) {
      ApiFixture.assertProblem(
          get(f, "/api/v1/hl7/negative-acks?direction=sideways"), 400, "bad-parameter");
      ApiFixture.assertProblem(get(f, "/api/v1/hl7/negative-acks?code=AA"), 400, "bad-parameter");
      ApiFixture.assertProblem(
          get(f, "/api/v1/hl7/negative-acks?since=yesterday"), 400, "bad-parameter");
    }
  }
}
