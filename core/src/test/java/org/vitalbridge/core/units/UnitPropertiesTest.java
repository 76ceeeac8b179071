package org.vitalbridge.core.units;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.MathContext;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.BigRange;
import net.jqwik.api.constraints.Scale;

/** Converting a value to another unit and back gives the value back. */
class UnitPropertiesTest {
  private static final UcumUnits UCUM = UcumUnits.load();
  private static final BigDecimal GLUCOSE_MOLAR_MASS = new BigDecimal("180.156");
  private static final BigDecimal TOLERANCE = new BigDecimal("1e-9");

  @Provide
  Arbitrary<String[]> pairs() {
    return Arbitraries.of(
        new String[] {"Cel", "[degF]"},
        new String[] {"[degF]", "Cel"},
        new String[] {"Cel", "K"},
        new String[] {"K", "Cel"},
        new String[] {"kPa", "mm[Hg]"},
        new String[] {"mm[Hg]", "kPa"},
        new String[] {"kg", "[lb_av]"},
        new String[] {"[lb_av]", "kg"},
        new String[] {"cm", "[in_i]"},
        new String[] {"[in_i]", "cm"},
        new String[] {"g/L", "mg/dL"});
  }

  @Provide
  Arbitrary<BigDecimal> values() {
    return Arbitraries.bigDecimals()
        .between(new BigDecimal("-100000"), new BigDecimal("100000"))
        .ofScale(4)
        .edgeCases(c -> c.add(BigDecimal.ZERO, new BigDecimal("-40"), new BigDecimal("0.0001")));
  }

  @Property
  void roundTrip(@ForAll("pairs") String[] pair, @ForAll("values") BigDecimal value)
      throws Exception {
    BigDecimal there = UCUM.convert(value, pair[0], pair[1]);
    BigDecimal back = UCUM.convert(there, pair[1], pair[0]);
    assertCloseRelative(back, value);
  }

  @Property
  void glucoseRoundTripThroughMolarMass(
      @ForAll @BigRange(min = "0", max = "200") @Scale(3) BigDecimal mmolPerL,
      @ForAll("glucoseUnits") String massUnit)
      throws Exception {
    BigDecimal mass = UCUM.convert(mmolPerL, "mmol/L", massUnit, GLUCOSE_MOLAR_MASS);
    BigDecimal back = UCUM.convert(mass, massUnit, "mmol/L", GLUCOSE_MOLAR_MASS);
    assertCloseRelative(back, mmolPerL);
  }

  @Provide
  Arbitrary<String> glucoseUnits() {
    return Arbitraries.of("mg/dL", "g/L", "mg/L", "ug/mL");
  }

  @Property
  void fahrenheitFollowsTheFormula(@ForAll("values") BigDecimal fahrenheit) throws Exception {
    BigDecimal celsius = UCUM.convert(fahrenheit, "[degF]", "Cel");
    BigDecimal expected =
        fahrenheit
            .subtract(BigDecimal.valueOf(32))
            .multiply(BigDecimal.valueOf(5))
            .divide(BigDecimal.valueOf(9), MathContext.DECIMAL128);
    assertCloseRelative(celsius, expected);
  }

  @Property
  void kelvinFollowsTheFormula(@ForAll("values") BigDecimal kelvin) throws Exception {
    assertCloseRelative(
        UCUM.convert(kelvin, "K", "Cel"), kelvin.subtract(new BigDecimal("273.15")));
  }

  @Property
  void poundFollowsTheDefinition(@ForAll("values") BigDecimal pounds) throws Exception {
    assertCloseRelative(
        UCUM.convert(pounds, "[lb_av]", "kg"), pounds.multiply(new BigDecimal("0.45359237")));
  }

  /**
   * Relative 1e-9; near zero (where a relative bound is meaningless for affine conversions) it is
   * 1e-9 absolute.
   */
  private static void assertCloseRelative(BigDecimal actual, BigDecimal expected) {
    BigDecimal scale = expected.abs().max(BigDecimal.ONE);
    BigDecimal error = actual.subtract(expected).abs();
    assertThat(error)
        .as("%s vs %s", actual.toPlainString(), expected.toPlainString())
        .isLessThanOrEqualTo(TOLERANCE.multiply(scale));
  }
}
