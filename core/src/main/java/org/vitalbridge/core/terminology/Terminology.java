package org.vitalbridge.core.terminology;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves vendor labels, MDC reference ids, MDC codes and LOINC codes to metric definitions (a
 * LOINC code shared by several metrics, like 8867-4, resolves to the first in the table). A label
 * can have more than one candidate (EtCO2 as a partial pressure or as a concentration); the
 * harmonizer takes the first whose canonical unit the reading's unit converts to.
 */
public final class Terminology {
  private static final java.util.regex.Pattern BRACKETED =
      java.util.regex.Pattern.compile("[(\\[{][^)\\]}]*[)\\]}]");
  private final Map<String, MetricDefinition> byKey;
  private final Map<String, List<MetricDefinition>> byLabel;
  private final Map<String, List<MetricDefinition>> resolved = new ConcurrentHashMap<>();

  Terminology(Collection<MetricDefinition> definitions) {
    Map<String, MetricDefinition> keys = new LinkedHashMap<>();
    Map<String, List<MetricDefinition>> primary = new LinkedHashMap<>();
    Map<String, List<MetricDefinition>> secondary = new LinkedHashMap<>();
    for (MetricDefinition d : definitions) {
      keys.put(d.key(), d);
      add(primary, d.key(), d);
      add(primary, d.code().refId(), d);
      add(primary, Integer.toString(d.code().mdc()), d);
      d.synonyms().forEach(s -> add(primary, s, d));
      d.alsoCodes().forEach(c -> add(secondary, c, d));
      if (d.code().loinc() != null) {
        add(secondary, d.code().loinc(), d);
      }
      d.alsoLoinc().forEach(l -> add(secondary, l, d));
    }
    secondary.forEach(
        (label, defs) ->
            defs.forEach(d -> primary.computeIfAbsent(label, k -> new ArrayList<>()).add(d)));
    Map<String, List<MetricDefinition>> frozen = new LinkedHashMap<>();
    primary.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
    this.byKey = Map.copyOf(keys);
    this.byLabel = Map.copyOf(frozen);
  }

  private static void add(
      Map<String, List<MetricDefinition>> index, String label, MetricDefinition d) {
    List<MetricDefinition> list =
        index.computeIfAbsent(Labels.normalize(label), k -> new ArrayList<>());
    if (!list.contains(d)) {
      list.add(d);
    }
  }

  /** Candidates for a label, best first; empty when the label is unknown. */
  public List<MetricDefinition> candidates(String label) {
    List<MetricDefinition> hit = resolved.get(label);
    if (hit != null) {
      return hit;
    }
    List<MetricDefinition> found = byLabel.getOrDefault(Labels.normalize(label), List.of());
    if (found.isEmpty()) {
      // "HR (bpm)", "Temp [F]", "SpO2 {%}": the label with its bracketed unit removed.
      String bare = BRACKETED.matcher(label).replaceAll(" ").strip();
      if (!bare.isEmpty() && !bare.equals(label)) {
        found = byLabel.getOrDefault(Labels.normalize(bare), List.of());
      }
    }
    if (resolved.size() < 10_000) {
      resolved.put(label, found);
    }
    return found;
  }

  public Optional<MetricDefinition> byKey(String key) {
    return Optional.ofNullable(byKey.get(key));
  }

  /** The definition for an MDC code, if the terminology has one. */
  public Optional<MetricDefinition> byMdc(int mdc) {
    return candidates(Integer.toString(mdc)).stream()
        .filter(d -> d.code().mdc() == mdc)
        .findFirst();
  }

  public Collection<MetricDefinition> definitions() {
    return byKey.values();
  }
}
