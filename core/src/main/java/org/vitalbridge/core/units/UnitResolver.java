package org.vitalbridge.core.units;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a vendor's unit text into UCUM: an exact alias wins (so a thermometer's "C" is Celsius, not
 * coulomb), then the text itself if it is valid UCUM, then a case-insensitive alias.
 */
public final class UnitResolver {
  private final UnitAliases aliases;
  private final UcumUnits ucum;
  private final Map<String, String> cache = new ConcurrentHashMap<>();

  public UnitResolver(UnitAliases aliases, UcumUnits ucum) {
    this.aliases = aliases;
    this.ucum = ucum;
  }

  /** The shipped alias table over the UCUM essence of the UCUM library. */
  public static UnitResolver shipped() {
    return new UnitResolver(UnitAliases.shipped(), UcumUnits.load());
  }

  /** The UCUM code for {@code unit}. */
  public String toUcum(String unit) throws UnitException {
    String hit = cache.get(unit);
    if (hit != null) {
      return hit;
    }
    String resolved = resolve(unit.strip());
    if (resolved == null) {
      throw new UnitException(
          UnitException.Kind.UNKNOWN, "'" + unit + "' is neither UCUM nor a known unit alias");
    }
    if (cache.size() < 10_000) {
      cache.put(unit, resolved);
    }
    return resolved;
  }

  private String resolve(String unit) {
    String alias = aliases.exactAlias(unit);
    if (alias != null) {
      return alias;
    }
    if (!unit.isEmpty() && !isBareNumber(unit) && ucum.isValid(unit)) {
      return unit;
    }
    return aliases.foldedAlias(unit);
  }

  /**
   * A bare number other than 1 is valid UCUM (a pure factor) but from a device it is an MDC unit
   * code the alias table does not know: never a factor to multiply the value by.
   */
  private static boolean isBareNumber(String unit) {
    if (unit.equals("1")) {
      return false;
    }
    for (int i = 0; i < unit.length(); i++) {
      char c = unit.charAt(i);
      if ((c < '0' || c > '9') && c != '.') {
        return false;
      }
    }
    return true;
  }

  public UcumUnits ucum() {
    return ucum;
  }
}
