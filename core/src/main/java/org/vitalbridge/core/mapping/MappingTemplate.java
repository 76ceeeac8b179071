package org.vitalbridge.core.mapping;

import java.util.List;
import java.util.regex.Pattern;
import org.vitalbridge.core.time.TimeSpec;

/**
 * A vendor mapping template as loaded from YAML: which payloads it applies to and where device,
 * time and measurements are found in them.
 */
record MappingTemplate(
    String id,
    int version,
    String source,
    List<Condition> match,
    Scope scope,
    List<Rule> measurements) {

  String mappingName() {
    return id + "@" + version;
  }

  /** One match condition: the path must exist, and equal or match when those are given. */
  record Condition(Expr path, String equals, Pattern matches) {}

  /** Device, time and location: set at the top and overridable per rule and collection. */
  record Scope(Expr device, Expr timestamp, TimeSpec timeSpec, Expr location) {
    Scope overriddenBy(Scope inner) {
      return new Scope(
          inner.device != null ? inner.device : device,
          inner.timestamp != null ? inner.timestamp : timestamp,
          inner.timestamp != null ? inner.timeSpec : timeSpec,
          inner.location != null ? inner.location : location);
    }
  }

  /**
   * One measurement rule. With {@code each} (items of a collection) or {@code entries} (fields of
   * an object, as {@code {key, value}} items) it repeats per item; with nested rules it groups
   * them; otherwise it yields one reading from {@code label}, {@code value} and {@code unit}.
   */
  record Rule(
      Expr each,
      Expr entries,
      Expr label,
      Expr value,
      Expr unit,
      Scope scope,
      boolean optional,
      List<Rule> children,
      int line) {}
}
