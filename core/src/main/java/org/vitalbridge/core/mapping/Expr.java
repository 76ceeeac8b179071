package org.vitalbridge.core.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import java.util.ArrayList;
import java.util.List;

/**
 * A template field: a JSONPath expression ({@code $…} from the payload root, {@code @…} from the
 * current collection item) or a literal.
 */
final class Expr {
  static final Configuration JSON =
      Configuration.builder()
          .jsonProvider(new JacksonJsonNodeJsonProvider())
          .mappingProvider(new JacksonMappingProvider())
          .options(Option.SUPPRESS_EXCEPTIONS)
          .build();

  private final String text;
  private final JsonPath path;
  private final SimplePath fast;
  private final boolean relative;

  private Expr(String text, JsonPath path, boolean relative) {
    this.text = text;
    this.path = path;
    this.relative = relative;
    this.fast = path == null ? null : SimplePath.parse(relative ? "$" + text.substring(1) : text);
  }

  static boolean looksLikePath(String text) {
    return text.startsWith("$") || text.startsWith("@");
  }

  /**
   * Compiles {@code text}; throws {@link com.jayway.jsonpath.InvalidPathException} when invalid.
   */
  static Expr of(String text) {
    if (!looksLikePath(text)) {
      return new Expr(text, null, false);
    }
    boolean relative = text.startsWith("@");
    String rooted = relative ? "$" + text.substring(1) : text;
    return new Expr(text, JsonPath.compile(rooted), relative);
  }

  static Expr literal(String text) {
    return new Expr(text, null, false);
  }

  boolean isPath() {
    return path != null;
  }

  String text() {
    return text;
  }

  /** The node this expression selects, or {@code null} when absent (or a literal). */
  JsonNode node(JsonNode root, JsonNode item) {
    if (path == null) {
      return null;
    }
    JsonNode context = relative && item != null ? item : root;
    Object result = fast != null ? fast.read(context) : path.read(context, JSON);
    if (result instanceof ArrayNode array && !path.isDefinite()) {
      return array.isEmpty() ? null : array.size() == 1 ? array.get(0) : array;
    }
    return result instanceof JsonNode n && !n.isNull() && !n.isMissingNode() ? n : null;
  }

  /** The selected value as text, or the literal; {@code null} when absent. */
  String text(JsonNode root, JsonNode item) {
    if (path == null) {
      return text;
    }
    return asText(node(root, item));
  }

  /** The items a collection expression selects: array elements, or the single node selected. */
  List<JsonNode> items(JsonNode root, JsonNode item) {
    JsonNode n = node(root, item);
    List<JsonNode> out = new ArrayList<>();
    if (n == null) {
      return out;
    }
    if (n.isArray()) {
      n.forEach(out::add);
    } else {
      out.add(n);
    }
    return out;
  }

  static String asText(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return null;
    }
    if (n.isBigDecimal()) {
      return n.decimalValue().toPlainString();
    }
    if (n.isValueNode()) {
      return n.asText();
    }
    return n.toString();
  }

  @Override
  public String toString() {
    return text;
  }
}
