package org.vitalbridge.core.mapping;

import com.jayway.jsonpath.InvalidPathException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;
import org.vitalbridge.core.ConfigurationException;
import org.vitalbridge.core.mapping.MappingTemplate.Condition;
import org.vitalbridge.core.mapping.MappingTemplate.Rule;
import org.vitalbridge.core.mapping.MappingTemplate.Scope;
import org.vitalbridge.core.time.TimeFormat;
import org.vitalbridge.core.time.TimeSpec;
import org.vitalbridge.core.yaml.YamlMappings;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads mapping templates from YAML and checks them completely at load time: unknown keys, bad
 * JSONPath, unknown time formats, zones and patterns are all reported together, each with its file
 * and line.
 */
public final class TemplateLoader {
  private static final Set<String> TOP_KEYS =
      Set.of(
          "template",
          "version",
          "description",
          "match",
          "device",
          "timestamp",
          "location",
          "measurements");
  private static final Set<String> RULE_KEYS =
      Set.of(
          "each",
          "entries",
          "label",
          "value",
          "unit",
          "device",
          "timestamp",
          "location",
          "optional",
          "measurements",
          "description");
  private static final Set<String> MATCH_KEYS = Set.of("path", "equals", "matches");
  private static final Set<String> TIME_KEYS = Set.of("path", "format", "zone", "pattern");

  private final List<String> errors = new ArrayList<>();
  private String source;

  private TemplateLoader() {}

  /** Loads every {@code *.yaml} / {@code *.yml} file in {@code dir}, in file-name order. */
  public static TemplateSet loadDirectory(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new ConfigurationException(dir + ": template directory not found");
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files =
          s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new ConfigurationException(dir + ": cannot list templates: " + e.getMessage());
    }
    return loadFiles(files);
  }

  /** Loads the given template files; all errors in all files are reported at once. */
  public static TemplateSet loadFiles(List<Path> files) {
    TemplateLoader loader = new TemplateLoader();
    List<MappingTemplate> templates = new ArrayList<>();
    Map<String, String> ids = new LinkedHashMap<>();
    for (Path file : files) {
      loader.source = file.toString();
      try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        MappingTemplate t = loader.template(r);
        if (t != null) {
          String previous = ids.putIfAbsent(t.id(), t.source());
          if (previous != null) {
            loader.errors.add(
                file + ":1: template id '" + t.id() + "' is also used by " + previous);
          }
          templates.add(t);
        }
      } catch (IOException e) {
        loader.errors.add(file + ": cannot read: " + e.getMessage());
      }
    }
    if (!loader.errors.isEmpty()) {
      throw new ConfigurationException("template errors:\n  " + String.join("\n  ", loader.errors));
    }
    return new TemplateSet(templates);
  }

  private MappingTemplate template(Reader reader) {
    Node root;
    try {
      root = YamlMappings.compose(reader);
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 1;
      errors.add(source + ":" + line + ": YAML syntax: " + e.getProblem());
      return null;
    } catch (RuntimeException e) {
      errors.add(source + ":1: YAML: " + e.getMessage());
      return null;
    }
    if (!(root instanceof MappingNode top)) {
      errors.add(
          source + ":1: a template is a YAML mapping with 'template', 'match', 'measurements'");
      return null;
    }
    Map<String, Node> fields = fields(top, TOP_KEYS, "template");
    String id = scalar(fields.get("template"), "template");
    if (id == null) {
      error(top, "'template' (the template id) is required");
    }
    int version = 1;
    Node versionNode = fields.get("version");
    if (versionNode != null) {
      String v = scalar(versionNode, "version");
      try {
        version = Integer.parseInt(v);
      } catch (NumberFormatException e) {
        error(versionNode, "'version' must be a whole number, got '" + v + "'");
      }
    }
    List<Condition> match = conditions(fields.get("match"));
    Scope scope = scope(fields);
    Node ms = fields.get("measurements");
    List<Rule> rules = ms == null ? List.of() : rules(ms);
    if (ms == null) {
      error(top, "'measurements' is required");
    }
    if (scope.device() == null) {
      boolean everyRuleHasDevice =
          !rules.isEmpty() && rules.stream().allMatch(TemplateLoader::hasDevice);
      if (!everyRuleHasDevice) {
        error(top, "'device' is required (at the top or in every measurement)");
      }
    }
    return id == null ? null : new MappingTemplate(id, version, source, match, scope, rules);
  }

  private static boolean hasDevice(Rule r) {
    return r.scope().device() != null
        || (!r.children().isEmpty() && r.children().stream().allMatch(TemplateLoader::hasDevice));
  }

  private List<Condition> conditions(Node node) {
    List<Condition> out = new ArrayList<>();
    if (node == null) {
      return out;
    }
    List<Node> items = node instanceof SequenceNode seq ? seq.getValue() : List.of(node);
    for (Node item : items) {
      if (!(item instanceof MappingNode m)) {
        error(
            item, "a match condition is a mapping with 'path' and optional 'equals' or 'matches'");
        continue;
      }
      Map<String, Node> f = fields(m, MATCH_KEYS, "match");
      Expr path = pathExpr(f.get("path"), "match.path");
      if (path == null) {
        error(item, "match condition needs 'path'");
        continue;
      }
      String equals = scalar(f.get("equals"), "match.equals");
      Pattern matches = null;
      String regex = scalar(f.get("matches"), "match.matches");
      if (regex != null) {
        try {
          matches = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
          error(f.get("matches"), "bad regular expression: " + e.getDescription());
        }
      }
      out.add(new Condition(path, equals, matches));
    }
    return out;
  }

  private List<Rule> rules(Node node) {
    if (!(node instanceof SequenceNode seq)) {
      error(node, "'measurements' must be a list");
      return List.of();
    }
    List<Rule> out = new ArrayList<>();
    for (Node item : seq.getValue()) {
      if (!(item instanceof MappingNode m)) {
        error(item, "a measurement is a mapping with 'label', 'value', 'unit'");
        continue;
      }
      Map<String, Node> f = fields(m, RULE_KEYS, "measurement");
      Expr each = pathExpr(f.get("each"), "each");
      Expr entries = pathExpr(f.get("entries"), "entries");
      if (each != null && entries != null) {
        error(item, "use either 'each' or 'entries', not both");
      }
      List<Rule> children =
          f.containsKey("measurements") ? rules(f.get("measurements")) : List.of();
      Expr label = expr(f.get("label"), "label");
      Expr value = expr(f.get("value"), "value");
      Expr unit = expr(f.get("unit"), "unit");
      if (!children.isEmpty() || f.containsKey("measurements")) {
        if (label != null || value != null || unit != null) {
          error(item, "a group with nested 'measurements' cannot also have label/value/unit");
        }
      } else {
        if (label == null) {
          error(item, "measurement needs 'label' (a vendor label, MDC refid or code, or a path)");
        }
        if (value == null) {
          error(item, "measurement needs 'value'");
        }
      }
      String optional = scalar(f.get("optional"), "optional");
      if (optional != null && !optional.equals("true") && !optional.equals("false")) {
        error(f.get("optional"), "'optional' must be true or false");
      }
      out.add(
          new Rule(
              each,
              entries,
              label,
              value,
              unit,
              scope(f),
              "true".equals(optional),
              children,
              item.getStartMark().getLine() + 1));
    }
    return out;
  }

  private Scope scope(Map<String, Node> f) {
    Expr device = expr(f.get("device"), "device");
    Expr location = expr(f.get("location"), "location");
    Node t = f.get("timestamp");
    if (t == null) {
      return new Scope(device, null, null, location);
    }
    if (t instanceof ScalarNode) {
      return new Scope(device, pathExpr(t, "timestamp"), TimeSpec.AUTO, location);
    }
    if (!(t instanceof MappingNode m)) {
      error(t, "'timestamp' is a path or a mapping with path, format, zone, pattern");
      return new Scope(device, null, null, location);
    }
    Map<String, Node> tf = fields(m, TIME_KEYS, "timestamp");
    Expr path = pathExpr(tf.get("path"), "timestamp.path");
    if (path == null) {
      error(t, "'timestamp' needs 'path'");
    }
    TimeFormat format = TimeFormat.AUTO;
    String formatText = scalar(tf.get("format"), "timestamp.format");
    if (formatText != null) {
      try {
        format = TimeFormat.parse(formatText);
      } catch (IllegalArgumentException e) {
        error(tf.get("format"), e.getMessage());
      }
    }
    ZoneId zone = null;
    String zoneText = scalar(tf.get("zone"), "timestamp.zone");
    if (zoneText != null) {
      try {
        zone = ZoneId.of(zoneText);
      } catch (DateTimeException e) {
        error(tf.get("zone"), "unknown time zone '" + zoneText + "' (use an IANA zone id)");
      }
    }
    DateTimeFormatter pattern = null;
    String patternText = scalar(tf.get("pattern"), "timestamp.pattern");
    if (patternText != null) {
      try {
        pattern = strictPattern(patternText);
      } catch (IllegalArgumentException e) {
        error(tf.get("pattern"), "bad date-time pattern: " + e.getMessage());
      }
      if (format != TimeFormat.LOCAL) {
        error(tf.get("pattern"), "'pattern' applies only with format: local");
      }
    }
    return new Scope(device, path, new TimeSpec(format, zone, pattern), location);
  }

  /**
   * A strict formatter (no 30 February, no 24:00): strict resolution needs the proleptic year
   * {@code u} where users write the year-of-era {@code y}, so unquoted {@code y} becomes {@code u}.
   */
  static DateTimeFormatter strictPattern(String pattern) {
    StringBuilder b = new StringBuilder(pattern.length());
    boolean quoted = false;
    for (char c : pattern.toCharArray()) {
      if (c == '\'') {
        quoted = !quoted;
      }
      b.append(!quoted && c == 'y' ? 'u' : c);
    }
    return DateTimeFormatter.ofPattern(b.toString())
        .withResolverStyle(java.time.format.ResolverStyle.STRICT);
  }

  private Map<String, Node> fields(MappingNode m, Set<String> allowed, String where) {
    return YamlMappings.fields(m, allowed, where, this::error);
  }

  private String scalar(Node node, String name) {
    if (node == null) {
      return null;
    }
    if (!(node instanceof ScalarNode s)) {
      error(node, "'" + name + "' must be a single value");
      return null;
    }
    return s.getValue();
  }

  private Expr expr(Node node, String name) {
    String text = scalar(node, name);
    if (text == null) {
      return null;
    }
    if (!Expr.looksLikePath(text)) {
      return Expr.literal(text);
    }
    return compile(node, text);
  }

  private Expr pathExpr(Node node, String name) {
    String text = scalar(node, name);
    if (text == null) {
      return null;
    }
    if (!Expr.looksLikePath(text)) {
      error(node, "'" + name + "' must be a JSONPath starting with $ or @, got '" + text + "'");
      return null;
    }
    return compile(node, text);
  }

  private Expr compile(Node node, String text) {
    try {
      return Expr.of(text);
    } catch (InvalidPathException e) {
      error(node, "bad JSONPath '" + text + "': " + e.getMessage());
      return null;
    }
  }

  private void error(Node node, String message) {
    errors.add(source + ":" + YamlMappings.line(node) + ": " + message);
  }
}
