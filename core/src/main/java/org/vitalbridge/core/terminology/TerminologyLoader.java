package org.vitalbridge.core.terminology;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.vitalbridge.core.ConfigurationException;
import org.vitalbridge.core.model.MetricCode;
import org.vitalbridge.core.yaml.YamlMappings;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Loads the shipped metric table and applies user overrides. An override entry with a known key
 * replaces the fields it names and adds its synonyms; an entry with a new key adds a metric and
 * must name mdc, refid, display and unit.
 */
public final class TerminologyLoader {
  static final String SHIPPED = "/org/vitalbridge/core/metrics.yaml";

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  /** The YAML shape of one entry; every field optional so overrides can be partial. */
  record Entry(
      String key,
      Integer mdc,
      String refid,
      String loinc,
      List<String> alsoLoinc,
      String display,
      String unit,
      List<BigDecimal> range,
      BigDecimal molarMass,
      List<String> synonyms,
      List<String> alsoCodes) {}

  record Table(List<Entry> metrics) {}

  private TerminologyLoader() {}

  /** The shipped table alone. */
  public static Terminology shipped() {
    return load(List.of());
  }

  /** The shipped table with each override file applied in order. */
  public static Terminology load(List<Path> overrides) {
    Map<String, Entry> entries = new LinkedHashMap<>();
    try (InputStream in = TerminologyLoader.class.getResourceAsStream(SHIPPED)) {
      for (Entry e : read(in, SHIPPED).metrics()) {
        entries.put(e.key(), e);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Path file : overrides) {
      try (InputStream in = Files.newInputStream(file)) {
        for (Entry e : read(in, file.toString()).metrics()) {
          entries.merge(e.key(), e, TerminologyLoader::overlay);
        }
      } catch (IOException e) {
        throw new ConfigurationException(
            file + ": cannot read terminology override: " + e.getMessage());
      }
    }
    List<MetricDefinition> definitions = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (Entry e : entries.values()) {
      try {
        definitions.add(toDefinition(e));
      } catch (RuntimeException ex) {
        errors.add("metric '" + e.key() + "': " + ex.getMessage());
      }
    }
    errors.addAll(ambiguities(definitions));
    if (!errors.isEmpty()) {
      throw new ConfigurationException("terminology errors:\n  " + String.join("\n  ", errors));
    }
    return new Terminology(definitions);
  }

  private static final Set<String> ENTRY_KEYS =
      Set.of(
          "key",
          "mdc",
          "refid",
          "loinc",
          "alsoLoinc",
          "display",
          "unit",
          "range",
          "molarMass",
          "synonyms",
          "alsoCodes");

  private static Table read(InputStream in, String source) throws IOException {
    if (in == null) {
      throw new ConfigurationException(source + ": not found");
    }
    String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    checkKeys(text, source);
    try {
      Table t = YAML.readValue(text, Table.class);
      if (t == null || t.metrics() == null) {
        throw new ConfigurationException(source + ": expected a top-level 'metrics:' list");
      }
      return t;
    } catch (JsonProcessingException e) {
      throw new ConfigurationException(
          source + ":" + e.getLocation().getLineNr() + ": " + e.getOriginalMessage());
    }
  }

  /** Unknown, repeated and missing keys, each reported with its line, all at once. */
  private static void checkKeys(String text, String source) {
    List<String> problems = new ArrayList<>();
    BiConsumer<Node, String> problem =
        (node, message) -> problems.add(source + ":" + YamlMappings.line(node) + ": " + message);
    Node root;
    try {
      root = YamlMappings.compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 1;
      throw new ConfigurationException(source + ":" + line + ": YAML syntax: " + e.getProblem());
    }
    if (root instanceof MappingNode top) {
      Node metrics =
          YamlMappings.fields(top, Set.of("metrics"), "terminology", problem).get("metrics");
      if (metrics instanceof SequenceNode list) {
        for (Node item : list.getValue()) {
          if (item instanceof MappingNode entry) {
            Map<String, Node> f = YamlMappings.fields(entry, ENTRY_KEYS, "metric", problem);
            if (!f.containsKey("key")) {
              problem.accept(item, "every metric needs a 'key'");
            }
          } else {
            problem.accept(item, "a metric is a mapping with key, mdc, refid, display, unit");
          }
        }
      } else {
        problem.accept(metrics == null ? top : metrics, "expected a 'metrics:' list");
      }
    } else if (root != null) {
      problem.accept(root, "expected a mapping with a 'metrics:' list");
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException("terminology errors:\n  " + String.join("\n  ", problems));
    }
  }

  private static Entry overlay(Entry base, Entry o) {
    List<String> synonyms = new ArrayList<>(nullToEmpty(base.synonyms()));
    synonyms.addAll(nullToEmpty(o.synonyms()));
    List<String> alsoCodes = new ArrayList<>(nullToEmpty(base.alsoCodes()));
    alsoCodes.addAll(nullToEmpty(o.alsoCodes()));
    return new Entry(
        base.key(),
        o.mdc() != null ? o.mdc() : base.mdc(),
        o.refid() != null ? o.refid() : base.refid(),
        o.loinc() != null ? o.loinc() : base.loinc(),
        o.alsoLoinc() != null ? o.alsoLoinc() : base.alsoLoinc(),
        o.display() != null ? o.display() : base.display(),
        o.unit() != null ? o.unit() : base.unit(),
        o.range() != null ? o.range() : base.range(),
        o.molarMass() != null ? o.molarMass() : base.molarMass(),
        synonyms,
        alsoCodes);
  }

  private static MetricDefinition toDefinition(Entry e) {
    require(e.mdc(), "mdc");
    require(e.refid(), "refid");
    require(e.display(), "display");
    require(e.unit(), "unit");
    BigDecimal min = null;
    BigDecimal max = null;
    if (e.range() != null) {
      if (e.range().size() != 2) {
        throw new IllegalArgumentException("range must be [min, max]");
      }
      min = e.range().get(0);
      max = e.range().get(1);
    }
    return new MetricDefinition(
        e.key(),
        new MetricCode(e.mdc(), e.refid(), e.loinc(), e.display()),
        nullToEmpty(e.alsoLoinc()),
        e.unit(),
        min,
        max,
        e.molarMass(),
        List.copyOf(new LinkedHashSet<>(nullToEmpty(e.synonyms()))),
        nullToEmpty(e.alsoCodes()));
  }

  /** A label that names two metrics with the same canonical unit cannot be resolved: an error. */
  private static List<String> ambiguities(List<MetricDefinition> definitions) {
    Map<String, MetricDefinition> seen = new HashMap<>();
    List<String> errors = new ArrayList<>();
    for (MetricDefinition d : definitions) {
      List<String> labels = new ArrayList<>(d.synonyms());
      labels.add(d.key());
      labels.add(d.code().refId());
      for (String label : labels) {
        String k = Labels.normalize(label) + '\u0000' + d.unit();
        MetricDefinition other = seen.putIfAbsent(k, d);
        if (other != null && other != d) {
          errors.add(
              "label '"
                  + label
                  + "' names both '"
                  + other.key()
                  + "' and '"
                  + d.key()
                  + "' (same unit "
                  + d.unit()
                  + ")");
        }
      }
    }
    return errors;
  }

  private static void require(Object value, String field) {
    if (value == null) {
      throw new IllegalArgumentException("'" + field + "' is required");
    }
  }

  private static <T> List<T> nullToEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
