package org.vitalbridge.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 9457 problem details as the API writes them. */
class ProblemTest {

  @Test
  void aProblemHasTheFiveStandardMembersFirstThenItsExtensions() throws Exception {
    Problem p =
        Problem.of("payload-too-large", "Payload too large", 413, "over 1024 bytes", "/api/v1/x")
            .with("limit", 1024)
            .with("hint", "split it")
            .with("items", Json.strings(List.of("a", "b")));

    JsonNode json = Json.MAPPER.readTree(p.toBytes());

    List<String> names = new ArrayList<>();
    json.fieldNames().forEachRemaining(names::add);
    assertThat(names)
        .containsExactly("type", "title", "status", "detail", "instance", "limit", "hint", "items");
    assertThat(json.get("type").asText()).isEqualTo("urn:vitalbridge:problem:payload-too-large");
    assertThat(p.type()).isEqualTo(json.get("type").asText());
    assertThat(json.get("title").asText()).isEqualTo("Payload too large");
    assertThat(json.get("status").isInt()).isTrue();
    assertThat(json.get("status").asInt()).isEqualTo(413);
    assertThat(p.status()).isEqualTo(413);
    assertThat(json.get("detail").asText()).isEqualTo("over 1024 bytes");
    assertThat(json.get("instance").asText()).isEqualTo("/api/v1/x");
    assertThat(json.get("limit").asLong()).isEqualTo(1024);
    assertThat(json.get("hint").asText()).isEqualTo("split it");
    assertThat(json.get("items")).hasSize(2);
    assertThat(Problem.CONTENT_TYPE).isEqualTo("application/problem+json");
  }

  @Test
  void withoutAnInstanceTheMemberIsLeftOut() {
    JsonNode json = Problem.of("x", "X", 500, "d", null).toJson();

    assertThat(json.has("instance")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"type", "title", "status", "detail", "instance"})
  void theStandardMembersCannotBeOverriddenByExtensions(String name) {
    Problem p = Problem.of("x", "X", 400, "d", "/p");

    assertThatThrownBy(() -> p.with(name, "other")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> p.with(name, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(p.toJson().get("title").asText()).isEqualTo("X");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 200, 202, 302, 399, 600})
  void onlyErrorStatusesMakeProblems(int status) {
    assertThatThrownBy(() -> Problem.of("x", "X", status, "d", "/p"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void titleDetailAndSlugAreRequired() {
    assertThatThrownBy(() -> Problem.of(null, "X", 400, "d", "/p"))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Problem.of("x", null, 400, "d", "/p"))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Problem.of("x", "X", 400, null, "/p"))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void raisingAProblemCarriesIt() {
    Problem p = Problem.of("empty-batch", "Empty batch", 400, "no items", "/p");

    Problem.Raised raised = p.raise();

    assertThat(raised.problem()).isSameAs(p);
    assertThat(raised.getMessage()).contains("empty-batch").contains("400");
    assertThat(raised.getStackTrace()).isEmpty();
  }
}
