package org.vitalbridge.server.http;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.core.model.MetricCode;

/**
 * Which measurements a live-stream subscriber wants: {@code ?patient=…&device=…&metric=…&bed=…},
 * each optional and repeatable (any of the values), all given ones must match. A metric is named by
 * MDC code ({@code 150456}), reference id ({@code MDC_PULS_OXIM_SAT_O2}) or LOINC ({@code 59408-5},
 * the primary code).
 */
record StreamFilter(
    Set<String> patients, Set<String> devices, Set<String> metrics, Set<String> beds) {
  static final StreamFilter ALL = new StreamFilter(Set.of(), Set.of(), Set.of(), Set.of());

  StreamFilter {
    patients = Set.copyOf(patients);
    devices = Set.copyOf(devices);
    metrics = Set.copyOf(metrics);
    beds = Set.copyOf(beds);
  }

  static StreamFilter of(Map<String, List<String>> query) {
    return new StreamFilter(
        values(query, "patient"),
        values(query, "device"),
        values(query, "metric"),
        values(query, "bed"));
  }

  boolean matches(Measurement m) {
    return (patients.isEmpty() || contains(patients, m.subject()))
        && (devices.isEmpty() || contains(devices, m.device().value()))
        && (beds.isEmpty() || contains(beds, m.location()))
        && (metrics.isEmpty() || metricMatches(m.metric()));
  }

  /** Null-safe: the sets are immutable ({@link Set#copyOf}), whose contains(null) throws. */
  private static boolean contains(Set<String> values, String value) {
    return value != null && values.contains(value);
  }

  private boolean metricMatches(MetricCode metric) {
    return metrics.contains(Integer.toString(metric.mdc()))
        || contains(metrics, metric.refId())
        || contains(metrics, metric.loinc());
  }

  private static Set<String> values(Map<String, List<String>> query, String name) {
    List<String> given = query.getOrDefault(name, List.of());
    Set<String> out = new HashSet<>();
    for (String v : given) {
      for (String part : v.split(",")) {
        if (!part.isBlank()) {
          out.add(part.strip());
        }
      }
    }
    return out;
  }
}
