package org.vitalbridge.core.units;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.vitalbridge.core.ConfigurationException;

/**
 * Vendor unit spellings mapped to UCUM, from the shipped {@code unit-aliases.yaml} and user
 * additions. Exact spelling first, then case-insensitive.
 */
public final class UnitAliases {
  static final String SHIPPED = "/org/vitalbridge/core/unit-aliases.yaml";

  private final Map<String, String> exact;
  private final Map<String, String> folded;

  private UnitAliases(Map<String, List<String>> byUcum) {
    Map<String, String> e = new HashMap<>();
    Map<String, String> f = new HashMap<>();
    byUcum.forEach(
        (ucum, aliases) -> {
          for (String alias : aliases) {
            String previous = e.put(alias, ucum);
            if (previous != null && !previous.equals(ucum)) {
              throw new ConfigurationException(
                  "unit alias '" + alias + "' maps to both '" + previous + "' and '" + ucum + "'");
            }
            f.putIfAbsent(alias.toLowerCase(Locale.ROOT), ucum);
          }
        });
    this.exact = Map.copyOf(e);
    this.folded = Map.copyOf(f);
  }

  public static UnitAliases shipped() {
    return withAdditions(Map.of());
  }

  /** The shipped aliases plus {@code additions} (UCUM code → vendor spellings). */
  @SuppressWarnings("unchecked")
  public static UnitAliases withAdditions(Map<String, List<String>> additions) {
    try (InputStream in = UnitAliases.class.getResourceAsStream(SHIPPED)) {
      Map<String, Object> doc = new ObjectMapper(new YAMLFactory()).readValue(in, Map.class);
      Map<String, List<String>> table = new HashMap<>();
      ((Map<String, List<Object>>) doc.get("aliases"))
          .forEach((k, v) -> table.put(k, v.stream().map(String::valueOf).toList()));
      additions.forEach(
          (ucum, list) ->
              table.merge(
                  ucum,
                  list,
                  (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).toList()));
      return new UnitAliases(table);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The UCUM code a vendor spelling stands for, or {@code null} when there is no alias. */
  public String exactAlias(String unit) {
    return exact.get(unit);
  }

  /** Case-insensitive alias lookup, or {@code null}. */
  public String foldedAlias(String unit) {
    return folded.get(unit.toLowerCase(Locale.ROOT));
  }
}
