package org.vitalbridge.core.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fast path must give exactly what Jayway gives for every shape it claims. */
class SimplePathTest {
  private static final JsonNode DOC =
      parse(
          "{\"a\":{\"b\":1,\"c\":[10,20,{\"d\":\"x\"}],\"n\":null,\"e f\":2,\"s/l~\":3},"
              + "\"arr\":[{\"v\":1},{\"v\":2}],\"obj\":{\"k1\":{\"v\":1},\"k2\":{\"v\":2}},\"one\":[5],"
              + "\"empty\":[],\"scalar\":7}");

  private static JsonNode parse(String s) {
    try {
      return new ObjectMapper().readTree(s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "$",
        "$.a",
        "$.a.b",
        "$.a.c",
        "$.a.c[1]",
        "$.a.c[2].d",
        "$.a.c[9]",
        "$.a.n",
        "$.a.missing",
        "$.a['e f']",
        "$['a']['b']",
        "$.a[\"s/l~\"]",
        "$.arr[*]",
        "$.obj[*]",
        "$.one[*]",
        "$.empty[*]",
        "$.scalar[*]",
        "$.a.b.c",
        "$.arr[1].v",
        "$.nothing[*]"
      })
  void sameResultAsJayway(String path) {
    SimplePath fast = SimplePath.parse(path);
    assertThat(fast).as("simple path " + path).isNotNull();
    Object jayway = JsonPath.compile(path).read(DOC, Expr.JSON);
    JsonNode mine = fast.read(DOC);
    assertThat(normalize(mine)).as(path).isEqualTo(normalize(jayway));
  }

  private static Object normalize(Object o) {
    if (o == null) {
      return null;
    }
    JsonNode n = (JsonNode) o;
    return n.isMissingNode() || n.isNull() ? null : n;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"$..b", "$.arr[?(@.v > 1)]", "$.arr[0:1]", "$.a.c.length()", "$.arr[*].v", "$.*"})
  void complexPathsAreLeftToJayway(String path) {
    assertThat(SimplePath.parse(path)).isNull();
  }

  @Test
  void exprUsesJaywayForComplexPathsWithTheSameSemantics() {
    Expr e = Expr.of("$.arr[?(@.v > 1)].v");
    assertThat(e.node(DOC, null).asInt()).isEqualTo(2);
  }
}
