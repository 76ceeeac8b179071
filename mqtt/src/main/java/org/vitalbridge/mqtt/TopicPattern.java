package org.vitalbridge.mqtt;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One topic pattern: MQTT filter syntax ({@code +} one level, {@code #} the rest) plus the {@code
 * {device}} and {@code {template}} placeholders, each a whole level that captures what the topic
 * has there. Matching follows MQTT's rules for topic names: no wildcards in the topic, and a topic
 * starting with {@code $} is only matched by a literal first level.
 */
final class TopicPattern {
  static final String DEVICE = "{device}";
  static final String TEMPLATE = "{template}";

  private enum Kind {
    LITERAL,
    ONE_LEVEL,
    REST,
    DEVICE,
    TEMPLATE
  }

  private record Level(Kind kind, String text) {}

  /** What a matching topic had at the placeholders; {@code null} where the pattern has none. */
  record Captures(String device, String template) {}

  private final String text;
  private final List<Level> levels;

  private TopicPattern(String text, List<Level> levels) {
    this.text = text;
    this.levels = List.copyOf(levels);
  }

  /**
   * Parses {@code pattern}; throws {@link IllegalArgumentException} saying what is wrong with it.
   */
  static TopicPattern parse(String pattern) {
    if (pattern == null || pattern.isEmpty()) {
      throw new IllegalArgumentException("the pattern is empty");
    }
    if (pattern.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("a topic pattern cannot contain U+0000");
    }
    String[] parts = pattern.split("/", -1);
    List<Level> levels = new ArrayList<>(parts.length);
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      Kind kind =
          switch (part) {
            case "+" -> Kind.ONE_LEVEL;
            case "#" -> Kind.REST;
            case DEVICE -> Kind.DEVICE;
            case TEMPLATE -> Kind.TEMPLATE;
            default -> Kind.LITERAL;
          };
      if (kind == Kind.REST && i != parts.length - 1) {
        throw new IllegalArgumentException("'#' must be the last level");
      }
      if (kind == Kind.LITERAL) {
        if (part.contains("+") || part.contains("#")) {
          throw new IllegalArgumentException(
              "a wildcard must be a whole level ('" + part + "' mixes it with text)");
        }
        if (part.contains("{") || part.contains("}")) {
          throw new IllegalArgumentException(
              "unknown placeholder '" + part + "' (only {device} and {template}, as whole levels)");
        }
      }
      if ((kind == Kind.DEVICE || kind == Kind.TEMPLATE)
          && levels.stream().anyMatch(l -> l.kind() == kind)) {
        throw new IllegalArgumentException(part + " appears twice");
      }
      levels.add(new Level(kind, part));
    }
    return new TopicPattern(pattern, levels);
  }

  boolean capturesDevice() {
    return levels.stream().anyMatch(l -> l.kind() == Kind.DEVICE);
  }

  boolean capturesTemplate() {
    return levels.stream().anyMatch(l -> l.kind() == Kind.TEMPLATE);
  }

  /** The MQTT subscription filter: placeholders become {@code +}. */
  String filter() {
    List<String> out = new ArrayList<>(levels.size());
    for (Level l : levels) {
      out.add(l.kind() == Kind.DEVICE || l.kind() == Kind.TEMPLATE ? "+" : l.text());
    }
    return String.join("/", out);
  }

  /**
   * The placeholders' values when {@code topic} (a topic name, as a PUBLISH carries it) matches;
   * empty otherwise, never an exception. A placeholder never captures an empty level.
   */
  Optional<Captures> match(String topic) {
    if (topic == null
        || topic.isEmpty()
        || topic.indexOf('+') >= 0
        || topic.indexOf('#') >= 0
        || topic.indexOf('\0') >= 0) {
      return Optional.empty();
    }
    String[] parts = topic.split("/", -1);
    if (topic.startsWith("$") && levels.get(0).kind() != Kind.LITERAL) {
      return Optional.empty();
    }
    String device = null;
    String template = null;
    for (int i = 0; i < levels.size(); i++) {
      Level level = levels.get(i);
      if (level.kind() == Kind.REST) {
        // "a/#" also matches "a" (the parent level), as in MQTT.
        return Optional.of(new Captures(device, template));
      }
      if (i >= parts.length) {
        return Optional.empty();
      }
      String part = parts[i];
      switch (level.kind()) {
        case LITERAL -> {
          if (!level.text().equals(part)) {
            return Optional.empty();
          }
        }
        case ONE_LEVEL -> {
          // any level, even an empty one
        }
        case DEVICE -> {
          if (part.isEmpty()) {
            return Optional.empty();
          }
          device = part;
        }
        case TEMPLATE -> {
          if (part.isEmpty()) {
            return Optional.empty();
          }
          template = part;
        }
        default -> throw new IllegalStateException("unreachable: " + level.kind());
      }
    }
    return parts.length == levels.size()
        ? Optional.of(new Captures(device, template))
        : Optional.empty();
  }

  @Override
  public String toString() {
    return text;
  }
}
