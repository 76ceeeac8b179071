package org.vitalbridge.mqtt;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The topic devices report presence on ({@code mqtt.presenceTopic}, e.g. {@code
 * devices/{device}/status}): payload {@code online} or {@code offline}, typically a retained birth
 * message and a will.
 */
final class PresenceTopic {
  private final TopicPattern pattern;

  private PresenceTopic(TopicPattern pattern) {
    this.pattern = pattern;
  }

  static PresenceTopic parse(String text) {
    List<String> errors = errors(text);
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", errors));
    }
    return new PresenceTopic(TopicPattern.parse(text));
  }

  static List<String> errors(String text) {
    List<String> errors = new ArrayList<>();
    try {
      TopicPattern p = TopicPattern.parse(text);
      if (!p.capturesDevice()) {
        errors.add("mqtt.presenceTopic '" + text + "' must capture {device}");
      }
      if (p.capturesTemplate()) {
        errors.add("mqtt.presenceTopic '" + text + "' cannot capture {template}");
      }
    } catch (IllegalArgumentException e) {
      errors.add("mqtt.presenceTopic '" + text + "': " + e.getMessage());
    }
    return errors;
  }

  /** The device a presence report on {@code topic} is about, when it is one. */
  Optional<String> device(String topic) {
    return pattern.match(topic).map(TopicPattern.Captures::device);
  }

  String filter() {
    return pattern.filter();
  }

  /** {@code true} online, {@code false} offline, empty for anything else. */
  static Optional<Boolean> state(byte[] payload) {
    String s =
        new String(payload, java.nio.charset.StandardCharsets.UTF_8)
            .strip()
            .toLowerCase(Locale.ROOT);
    return switch (s) {
      case "online" -> Optional.of(true);
      case "offline" -> Optional.of(false);
      default -> Optional.empty();
    };
  }
}
