package org.vitalbridge.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An RFC 9457 problem: {@code type}, {@code title}, {@code status}, {@code detail}, {@code
 * instance} and extension members, as {@code application/problem+json}. Types are URNs under {@code
 * urn:vitalbridge:problem:} (one per kind of failure; docs/http-api.md lists them).
 */
final class Problem {
  static final String CONTENT_TYPE = "application/problem+json";
  static final String TYPE_PREFIX = "urn:vitalbridge:problem:";
  private static final Set<String> RESERVED =
      Set.of("type", "title", "status", "detail", "instance");

  private final String type;
  private final String title;
  private final int status;
  private final String detail;
  private final String instance;
  private final Map<String, JsonNode> extensions = new LinkedHashMap<>();

  private Problem(String slug, String title, int status, String detail, String instance) {
    this.type = TYPE_PREFIX + Objects.requireNonNull(slug, "slug");
    this.title = Objects.requireNonNull(title, "title");
    this.status = status;
    this.detail = Objects.requireNonNull(detail, "detail");
    this.instance = instance;
  }

  /**
   * @param slug the kind of problem, e.g. {@code payload-too-large}; becomes the type URN
   * @param instance the request path (or {@code null})
   */
  static Problem of(String slug, String title, int status, String detail, String instance) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("a problem has a 4xx or 5xx status, not " + status);
    }
    return new Problem(slug, title, status, detail, instance);
  }

  /** Adds an extension member; the five standard member names cannot be overridden. */
  Problem with(String name, JsonNode value) {
    if (RESERVED.contains(name)) {
      throw new IllegalArgumentException("'" + name + "' is a standard problem member");
    }
    extensions.put(name, value);
    return this;
  }

  Problem with(String name, String value) {
    return with(name, Json.MAPPER.getNodeFactory().textNode(value));
  }

  Problem with(String name, long value) {
    return with(name, Json.MAPPER.getNodeFactory().numberNode(value));
  }

  int status() {
    return status;
  }

  String type() {
    return type;
  }

  ObjectNode toJson() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("type", type);
    o.put("title", title);
    o.put("status", status);
    o.put("detail", detail);
    if (instance != null) {
      o.put("instance", instance);
    }
    extensions.forEach(o::set);
    return o;
  }

  byte[] toBytes() {
    return Json.bytes(toJson());
  }

  /** Thrown to end a request with this problem. */
  static final class Raised extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Problem problem;

    Raised(Problem problem) {
      super(problem.type + " " + problem.status, null, false, false);
      this.problem = problem;
    }

    Problem problem() {
      return problem;
    }
  }

  Raised raise() {
    return new Raised(this);
  }
}
