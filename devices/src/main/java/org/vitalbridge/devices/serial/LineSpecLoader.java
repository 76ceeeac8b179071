package org.vitalbridge.devices.serial;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.vitalbridge.core.ConfigurationException;

/**
 * Reads a {@link LineSpec} from YAML. Every problem in a file is collected and reported at once,
 * each naming the key it is about, so an operator fixes a spec in one go.
 */
final class LineSpecLoader {
  private static final YAMLMapper YAML = new YAMLMapper();

  private static final Set<String> TOP =
      Set.of(
          "name",
          "version",
          "description",
          "separators",
          "assign",
          "noValue",
          "time",
          "device",
          "values",
          "status",
          "markers");
  private static final Set<String> TIME = Set.of("tag", "pattern");
  private static final Set<String> DEVICE = Set.of("tag");
  private static final Set<String> VALUE =
      Set.of("tag", "label", "unit", "suffix", "width", "optional");
  private static final Set<String> STATUS = Set.of("tag", "radix", "bits");
  private static final Set<String> BIT = Set.of("mask", "meaning", "effect", "appliesTo");

  /** A tag is a word: what the decoder's tag scanner recognises. */
  private static final Pattern TAG = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

  /** Dash-filled: optional sign, then dashes and dots with at least one dash. */
  static final String DEFAULT_NO_VALUE = "[+-]?[-.]*-[-.]*";

  private final String source;
  private final List<String> problems = new ArrayList<>();

  private LineSpecLoader(String source) {
    this.source = source;
  }

  /** Loads one spec; {@code source} names it in messages (a file or resource name). */
  static LineSpec load(InputStream in, String source) {
    JsonNode root;
    try {
      root = YAML.readTree(in);
    } catch (JsonProcessingException e) {
      throw new ConfigurationException(
          source + ": not valid YAML: " + e.getOriginalMessage() + where(e));
    } catch (IOException e) {
      throw new ConfigurationException(source + ": cannot read: " + e.getMessage());
    }
    return new LineSpecLoader(source).spec(root);
  }

  private static String where(JsonProcessingException e) {
    return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
  }

  private LineSpec spec(JsonNode root) {
    if (root == null || !root.isObject()) {
      throw new ConfigurationException(source + ": a serial protocol spec must be a YAML mapping");
    }
    keys(root, TOP, "the spec");
    String name = text(root, "name", "name", true);
    if (name != null && !name.matches("[a-z0-9][a-z0-9._-]*")) {
      problem("name", "'" + name + "' must be lower-case letters, digits, '.', '_' or '-'");
    }
    int version = integer(root, "version", "version", 1);
    String separators = text(root, "separators", "separators", false);
    separators = separators == null ? " \t" : separators;
    if (separators.isEmpty()) {
      problem("separators", "must name at least one character");
    }
    String assign = text(root, "assign", "assign", false);
    assign = assign == null ? "=" : assign;
    if (assign.isEmpty()) {
      problem("assign", "must not be empty");
    }
    Pattern noValue = pattern(text(root, "noValue", "noValue", false));
    LineSpec.TimeField time = time(root.get("time"));
    String deviceTag = null;
    JsonNode device = root.get("device");
    if (device != null) {
      if (object(device, "device")) {
        keys(device, DEVICE, "device");
        deviceTag = tag(text(device, "tag", "device.tag", true), "device.tag");
      }
    }
    List<LineSpec.ValueField> values = values(root.get("values"));
    List<LineSpec.StatusField> status = status(root.get("status"), values);
    List<String> markers = markers(root.get("markers"));
    if (!problems.isEmpty()) {
      throw new ConfigurationException(
          source + ": invalid serial protocol spec:\n  - " + String.join("\n  - ", problems));
    }
    return new LineSpec(
        name,
        version,
        text(root, "description", "description", false),
        separators,
        assign,
        noValue,
        time,
        deviceTag,
        values,
        status,
        markers);
  }

  private Pattern pattern(String regex) {
    try {
      return Pattern.compile(regex == null ? DEFAULT_NO_VALUE : regex);
    } catch (PatternSyntaxException e) {
      problem("noValue", "not a regular expression: " + e.getDescription());
      return Pattern.compile(DEFAULT_NO_VALUE);
    }
  }

  private LineSpec.TimeField time(JsonNode node) {
    if (node == null || !object(node, "time")) {
      return null;
    }
    keys(node, TIME, "time");
    String tag = tag(text(node, "tag", "time.tag", false), "time.tag");
    String pattern = text(node, "pattern", "time.pattern", true);
    if (pattern == null) {
      return null;
    }
    try {
      return new LineSpec.TimeField(
          tag, pattern, DateTimeFormatter.ofPattern(pattern, Locale.ROOT));
    } catch (IllegalArgumentException e) {
      problem("time.pattern", "'" + pattern + "' is not a date/time pattern: " + e.getMessage());
      return null;
    }
  }

  private List<LineSpec.ValueField> values(JsonNode node) {
    List<LineSpec.ValueField> out = new ArrayList<>();
    if (node == null || !node.isArray() || node.isEmpty()) {
      problem("values", "a list of at least one value field is required");
      return out;
    }
    Set<String> seen = new LinkedHashSet<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode v = node.get(i);
      String at = "values[" + i + "]";
      if (!object(v, at)) {
        continue;
      }
      keys(v, VALUE, at);
      String tag = tag(text(v, "tag", at + ".tag", true), at + ".tag");
      if (tag != null && !seen.add(tag)) {
        problem(at + ".tag", "'" + tag + "' is configured twice");
      }
      String label = text(v, "label", at + ".label", true);
      String unit = text(v, "unit", at + ".unit", true);
      String suffix = text(v, "suffix", at + ".suffix", false);
      int width = integer(v, "width", at + ".width", 0);
      if (width < 0 || width > 64) {
        problem(at + ".width", width + " is not a width (0 = any, at most 64)");
      }
      boolean optional = bool(v, "optional", at + ".optional");
      out.add(
          new LineSpec.ValueField(tag, label, unit, suffix == null ? "" : suffix, width, optional));
    }
    return out;
  }

  private List<LineSpec.StatusField> status(JsonNode node, List<LineSpec.ValueField> values) {
    List<LineSpec.StatusField> out = new ArrayList<>();
    if (node == null) {
      return out;
    }
    if (!node.isArray()) {
      problem("status", "must be a list of status fields");
      return out;
    }
    Set<String> valueTags = new LinkedHashSet<>();
    values.forEach(v -> valueTags.add(v.tag()));
    for (int i = 0; i < node.size(); i++) {
      JsonNode s = node.get(i);
      String at = "status[" + i + "]";
      if (!object(s, at)) {
        continue;
      }
      keys(s, STATUS, at);
      String tag = tag(text(s, "tag", at + ".tag", true), at + ".tag");
      int radix = integer(s, "radix", at + ".radix", 16);
      if (radix != 2 && radix != 8 && radix != 10 && radix != 16) {
        problem(at + ".radix", radix + " is not one of 2, 8, 10, 16");
        radix = 16;
      }
      List<LineSpec.Bit> bits = new ArrayList<>();
      JsonNode b = s.get("bits");
      if (b == null || !b.isArray() || b.isEmpty()) {
        problem(at + ".bits", "a list of at least one bit is required");
      } else {
        for (int j = 0; j < b.size(); j++) {
          LineSpec.Bit bit = bit(b.get(j), at + ".bits[" + j + "]", valueTags);
          if (bit != null) {
            bits.add(bit);
          }
        }
      }
      out.add(new LineSpec.StatusField(tag, radix, bits));
    }
    return out;
  }

  private LineSpec.Bit bit(JsonNode node, String at, Set<String> valueTags) {
    if (!object(node, at)) {
      return null;
    }
    keys(node, BIT, at);
    long mask = mask(node.get("mask"), at + ".mask");
    String meaning = text(node, "meaning", at + ".meaning", true);
    String effectName = text(node, "effect", at + ".effect", true);
    LineSpec.Effect effect = null;
    for (LineSpec.Effect e : LineSpec.Effect.values()) {
      if (e.code.equals(effectName)) {
        effect = e;
      }
    }
    if (effectName != null && effect == null) {
      problem(
          at + ".effect",
          "'" + effectName + "' is not one of questionable, device-alarm, no-value, info");
    }
    Set<String> applies = new LinkedHashSet<>();
    JsonNode a = node.get("appliesTo");
    if (a != null) {
      if (!a.isArray()) {
        problem(at + ".appliesTo", "must be a list of value tags");
      } else {
        for (JsonNode t : a) {
          if (!valueTags.contains(t.asText())) {
            problem(at + ".appliesTo", "'" + t.asText() + "' is not a configured value tag");
          }
          applies.add(t.asText());
        }
      }
    }
    if (mask == 0 || meaning == null || effect == null) {
      return null;
    }
    return new LineSpec.Bit(mask, meaning, effect, applies);
  }

  private long mask(JsonNode node, String at) {
    if (node == null) {
      problem(at, "is required");
      return 0;
    }
    if (node.isIntegralNumber() && node.asLong() > 0) {
      return node.asLong();
    }
    String t = node.asText().strip().toLowerCase(Locale.ROOT);
    try {
      long m =
          t.startsWith("0x")
              ? Long.parseLong(t.substring(2), 16)
              : t.startsWith("0b") ? Long.parseLong(t.substring(2), 2) : Long.parseLong(t);
      if (m > 0) {
        return m;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problem(at, "'" + node.asText() + "' is not a positive bit mask (e.g. 0x0400)");
    return 0;
  }

  private List<String> markers(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node == null) {
      return out;
    }
    if (!node.isArray()) {
      problem("markers", "must be a list of marker strings");
      return out;
    }
    for (JsonNode m : node) {
      if (m.asText().isEmpty()) {
        problem("markers", "a marker must not be empty");
      } else {
        out.add(m.asText());
      }
    }
    return out;
  }

  private String tag(String tag, String at) {
    if (tag != null && !TAG.matcher(tag).matches()) {
      problem(at, "'" + tag + "' is not a tag (a letter, then letters, digits or '_')");
    }
    return tag;
  }

  private void keys(JsonNode node, Set<String> allowed, String where) {
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext()) {
      String key = it.next().getKey();
      if (!allowed.contains(key)) {
        problems.add(
            "unknown key '"
                + key
                + "' in "
                + where
                + " (expected one of: "
                + String.join(", ", allowed.stream().sorted().toList())
                + ")");
      }
    }
  }

  private boolean object(JsonNode node, String at) {
    if (node != null && node.isObject()) {
      return true;
    }
    problem(at, "must be a mapping");
    return false;
  }

  private String text(JsonNode node, String key, String at, boolean required) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      if (required) {
        problem(at, "is required");
      }
      return null;
    }
    if (!v.isValueNode()) {
      problem(at, "must be a single value");
      return null;
    }
    return v.asText();
  }

  private int integer(JsonNode node, String key, String at, int fallback) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isIntegralNumber()) {
      problem(at, "'" + v.asText() + "' is not a whole number");
      return fallback;
    }
    return v.asInt();
  }

  private boolean bool(JsonNode node, String key, String at) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      problem(at, "'" + v.asText() + "' is not true or false");
      return false;
    }
    return v.asBoolean();
  }

  private void problem(String key, String what) {
    problems.add("'" + key + "' " + what);
  }
}
