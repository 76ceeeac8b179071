package org.vitalbridge.core.mapping;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * The JSONPath subset most templates use — {@code $.a.b}, {@code $['a b']}, {@code $.a[2]}, with an
 * optional trailing {@code [*]} — evaluated as a Jackson {@link JsonPointer} (a few nanoseconds
 * instead of a general JSONPath evaluation). Same results as Jayway for these shapes; anything else
 * (filters, deep scan, functions, slices) stays with Jayway.
 */
final class SimplePath {
  private final JsonPointer pointer;
  private final boolean wildcard;

  private SimplePath(JsonPointer pointer, boolean wildcard) {
    this.pointer = pointer;
    this.wildcard = wildcard;
  }

  /** The fast form of a rooted path ({@code $…}), or {@code null} when it is not a simple one. */
  static SimplePath parse(String rooted) {
    if (!rooted.startsWith("$")) {
      return null;
    }
    StringBuilder pointer = new StringBuilder();
    boolean wildcard = false;
    int i = 1;
    int n = rooted.length();
    while (i < n) {
      if (wildcard) {
        return null;
      }
      char c = rooted.charAt(i);
      if (c == '.') {
        int start = ++i;
        while (i < n && isNameChar(rooted.charAt(i))) {
          i++;
        }
        if (i == start) {
          return null;
        }
        appendSegment(pointer, rooted.substring(start, i));
      } else if (c == '[') {
        int close = rooted.indexOf(']', i);
        if (close < 0) {
          return null;
        }
        String inside = rooted.substring(i + 1, close).strip();
        if (inside.equals("*")) {
          wildcard = true;
        } else if (!inside.isEmpty() && inside.chars().allMatch(Character::isDigit)) {
          pointer.append('/').append(inside);
        } else if (inside.length() >= 2
            && (inside.charAt(0) == '\'' || inside.charAt(0) == '"')
            && inside.charAt(inside.length() - 1) == inside.charAt(0)) {
          String name = inside.substring(1, inside.length() - 1);
          if (name.indexOf('\'') >= 0 || name.indexOf('"') >= 0 || name.indexOf('\\') >= 0) {
            return null;
          }
          appendSegment(pointer, name);
        } else {
          return null;
        }
        i = close + 1;
      } else {
        return null;
      }
    }
    return new SimplePath(JsonPointer.compile(pointer.toString()), wildcard);
  }

  private static boolean isNameChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '-';
  }

  private static void appendSegment(StringBuilder pointer, String name) {
    pointer.append('/').append(name.replace("~", "~0").replace("/", "~1"));
  }

  boolean isDefinite() {
    return !wildcard;
  }

  /** Like Jayway: a definite path gives the node; a wildcard gives an array of the children. */
  JsonNode read(JsonNode context) {
    JsonNode n = context.at(pointer);
    if (!wildcard) {
      return n;
    }
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    if (n.isArray() || n.isObject()) {
      n.forEach(out::add);
    }
    return out;
  }
}
