package org.vitalbridge.core.units;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.fhir.ucum.Decimal;
import org.fhir.ucum.DefinedUnit;
import org.fhir.ucum.Prefix;
import org.fhir.ucum.UcumEssenceService;
import org.fhir.ucum.UcumException;
import org.fhir.ucum.UcumService;
import org.fhir.ucum.Value;

/**
 * UCUM validation and conversion backed by the {@code org.fhir:ucum} library, with the UCUM special
 * temperature units (whose offsets that library does not convert) handled per the UCUM
 * specification's special-unit functions. Conversions are computed once per unit pair and cached.
 */
public final class UcumUnits {

  /**
   * UCUM §4.6 special units on a ratio scale with an offset, as affine maps to kelvin: {@code Cel}
   * is {@code cel(1 K)}, {@code [degF]} is {@code degf(5 K/9)}, {@code [degRe]} is {@code degre(5
   * K/4)}.
   */
  private static final Map<String, Affine> SPECIAL_TO_KELVIN =
      Map.of(
          "Cel", new Affine(BigDecimal.ONE, new BigDecimal("273.15")),
          "[degF]", fahrenheitToKelvin(),
          "[degRe]", new Affine(new BigDecimal("1.25"), new BigDecimal("273.15")));

  private static final String KELVIN = "K";
  private static final int EXACT_DIGITS = 30;
  private static final String MERCURY_KPA = "133.322387415";

  private static Affine fahrenheitToKelvin() {
    BigDecimal fiveNinths = BigDecimal.valueOf(5).divide(BigDecimal.valueOf(9), Affine.PRECISION);
    return new Affine(fiveNinths, new BigDecimal("459.67").multiply(fiveNinths, Affine.PRECISION));
  }

  private static final String HIGH_PRECISION_ONE = "1.00000000000000000000";

  private final UcumService service;
  private final Map<String, Boolean> validity = new ConcurrentHashMap<>();
  private final Map<String, Affine> conversions = new ConcurrentHashMap<>();

  private UcumUnits(UcumService service) {
    this.service = service;
  }

  /** Loads the UCUM essence shipped inside the UCUM library. */
  public static UcumUnits load() {
    try (InputStream in = UcumEssenceService.class.getResourceAsStream("/ucum-essence.xml")) {
      if (in == null) {
        throw new IllegalStateException("ucum-essence.xml not found on the class path");
      }
      UcumEssenceService service = new UcumEssenceService(in);
      treatDefinitionsAsExact(service);
      return new UcumUnits(service);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (UcumException e) {
      throw new IllegalStateException("cannot load the UCUM essence: " + e.getMessage(), e);
    }
  }

  /**
   * UCUM definitions are exact ([ft_i] is exactly 12 [in_i], [in_i] exactly 2.54 cm), but the
   * library gives each definition only the significant digits it is written with, so [ft_i]→cm came
   * out as 30.5. Raising every definition and prefix to 30 digits makes its arithmetic exact. The
   * metre of mercury is set to the conventional 133.322387415 kPa (ISO 80000-4, the factor in
   * STANDARDS.md) instead of UCUM's rounded 133.3220 kPa.
   */
  private static void treatDefinitionsAsExact(UcumEssenceService service) throws UcumException {
    for (DefinedUnit unit : service.getModel().getDefinedUnits()) {
      Value v = unit.getValue();
      if (v == null || v.getValue() == null) {
        continue;
      }
      String exact = unit.getCode().equals("m[Hg]") ? MERCURY_KPA : v.getValue().asDecimal();
      v.setValue(new Decimal(exact, EXACT_DIGITS));
    }
    for (Prefix prefix : service.getModel().getPrefixes()) {
      if (prefix.getValue() != null) {
        prefix.setValue(new Decimal(prefix.getValue().asDecimal(), EXACT_DIGITS));
      }
    }
  }

  /** Whether {@code code} is a valid UCUM expression (case-sensitive, as UCUM is). */
  public boolean isValid(String code) {
    return validity.computeIfAbsent(
        code, c -> SPECIAL_TO_KELVIN.containsKey(c) || service.validate(c) == null);
  }

  /** Converts {@code value} from {@code from} to {@code to}; both must be valid UCUM. */
  public BigDecimal convert(BigDecimal value, String from, String to) throws UnitException {
    return conversion(from, to).apply(value);
  }

  /**
   * Converts a substance concentration to a mass concentration (or back) through a molar mass, as
   * for glucose in mmol/L to mg/dL. Falls back to a plain conversion when the units are comparable.
   */
  public BigDecimal convert(BigDecimal value, String from, String to, BigDecimal molarMassGPerMol)
      throws UnitException {
    if (molarMassGPerMol == null) {
      return convert(value, from, to);
    }
    return molarConversion(from, to, molarMassGPerMol).apply(value);
  }

  Affine conversion(String from, String to) throws UnitException {
    if (from.equals(to)) {
      return Affine.IDENTITY;
    }
    Affine cached = conversions.get(from + '\u0000' + to);
    if (cached != null) {
      return cached;
    }
    Affine computed = computeConversion(from, to);
    conversions.put(from + '\u0000' + to, computed);
    return computed;
  }

  private Affine molarConversion(String from, String to, BigDecimal molarMass)
      throws UnitException {
    String key = from + '\u0000' + to + '\u0000' + molarMass.toPlainString();
    Affine cached = conversions.get(key);
    if (cached != null) {
      return cached;
    }
    Affine computed;
    if (comparable(from, to)) {
      computed = conversion(from, to);
    } else if (comparable(from, "mol/L") && comparable(to, "g/L")) {
      computed =
          conversion(from, "mol/L")
              .then(new Affine(molarMass, BigDecimal.ZERO))
              .then(conversion("g/L", to));
    } else if (comparable(from, "g/L") && comparable(to, "mol/L")) {
      computed =
          conversion(from, "g/L")
              .then(new Affine(molarMass, BigDecimal.ZERO).inverse())
              .then(conversion("mol/L", to));
    } else {
      throw incompatible(from, to);
    }
    conversions.put(key, computed);
    return computed;
  }

  private boolean comparable(String a, String b) {
    try {
      conversion(a, b);
      return true;
    } catch (UnitException e) {
      return false;
    }
  }

  private Affine computeConversion(String from, String to) throws UnitException {
    requireValid(from);
    requireValid(to);
    Affine fromSpecial = SPECIAL_TO_KELVIN.get(from);
    Affine toSpecial = SPECIAL_TO_KELVIN.get(to);
    if (fromSpecial == null && toSpecial == null) {
      return linear(from, to);
    }
    try {
      Affine toKelvinSide = fromSpecial != null ? fromSpecial : linear(from, KELVIN);
      Affine fromKelvinSide = toSpecial != null ? toSpecial.inverse() : linear(KELVIN, to);
      return toKelvinSide.then(fromKelvinSide);
    } catch (UnitException e) {
      throw incompatible(from, to);
    }
  }

  private Affine linear(String from, String to) throws UnitException {
    try {
      if (!service.isComparable(from, to)) {
        throw incompatible(from, to);
      }
      Decimal factor = service.convert(new Decimal(HIGH_PRECISION_ONE), from, to);
      return new Affine(new BigDecimal(factor.asDecimal()), BigDecimal.ZERO);
    } catch (UcumException e) {
      throw incompatible(from, to);
    }
  }

  private void requireValid(String code) throws UnitException {
    if (!isValid(code)) {
      throw new UnitException(UnitException.Kind.UNKNOWN, "'" + code + "' is not a UCUM unit");
    }
  }

  private static UnitException incompatible(String from, String to) {
    return new UnitException(
        UnitException.Kind.INCOMPATIBLE, "'" + from + "' cannot be converted to '" + to + "'");
  }
}
