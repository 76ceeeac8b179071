package org.vitalbridge.core.units;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UcumUnitsTest {
  private static final UcumUnits UCUM = UcumUnits.load();
  private static final BigDecimal GLUCOSE_MOLAR_MASS = new BigDecimal("180.156");

  private static double convert(String value, String from, String to) throws UnitException {
    return UCUM.convert(new BigDecimal(value), from, to).doubleValue();
  }

  @ParameterizedTest(name = "{0} [degF] = {1} Cel")
  @CsvSource({"98.6, 37", "32, 0", "-40, -40", "212, 100", "-459.67, -273.15", "104, 40"})
  void fahrenheitToCelsius(String fahrenheit, double celsius) throws Exception {
    assertThat(convert(fahrenheit, "[degF]", "Cel")).isCloseTo(celsius, within(1e-9));
    assertThat(convert(Double.toString(celsius), "Cel", "[degF]"))
        .isCloseTo(Double.parseDouble(fahrenheit), within(1e-9));
  }

  @ParameterizedTest(name = "{0} K = {1} Cel")
  @CsvSource({"273.15, 0", "310.15, 37", "0, -273.15", "373.15, 100"})
  void kelvinToCelsius(String kelvin, double celsius) throws Exception {
    assertThat(convert(kelvin, "K", "Cel")).isCloseTo(celsius, within(1e-12));
    assertThat(convert(Double.toString(celsius), "Cel", "K"))
        .isCloseTo(Double.parseDouble(kelvin), within(1e-12));
  }

  @Test
  void millikelvinAndFahrenheitGoThroughKelvin() throws Exception {
    assertThat(convert("310150", "mK", "Cel")).isCloseTo(37, within(1e-9));
    assertThat(convert("310.15", "K", "[degF]")).isCloseTo(98.6, within(1e-9));
  }

  /**
   * STANDARDS.md: 1 mmHg = 133.322387415 Pa (exact here). Its "1 kPa = 7.500616827 mmHg" is the
   * torr figure (101325/760 Pa); from 133.322387415 Pa it is 7.500615758, so the inverse is checked
   * against the exact reciprocal and against the quoted figure within their 1.1e-6 difference.
   */
  @Test
  void kilopascalToMillimetreOfMercuryUsesTheStandardFactor() throws Exception {
    assertThat(convert("1", "mm[Hg]", "Pa")).isCloseTo(133.322387415, within(1e-9));
    assertThat(convert("1", "kPa", "mm[Hg]")).isCloseTo(1000 / 133.322387415, within(1e-9));
    assertThat(convert("1", "kPa", "mm[Hg]")).isCloseTo(7.500616827, within(2e-6));
  }

  @Test
  void atmosphericPressureInMillimetreOfMercury() throws Exception {
    // 760 mmHg is one standard atmosphere, 101.325 kPa; clinically indistinguishable either way
    assertThat(convert("760", "mm[Hg]", "kPa")).isCloseTo(101.325, within(1e-3));
  }

  @Test
  void poundToKilogramIsExact() throws Exception {
    assertThat(UCUM.convert(BigDecimal.ONE, "[lb_av]", "kg"))
        .isEqualByComparingTo(new BigDecimal("0.45359237"));
    assertThat(UCUM.convert(new BigDecimal("154"), "[lb_av]", "kg"))
        .isEqualByComparingTo(new BigDecimal("69.85322498"));
  }

  @Test
  void inchToCentimetreIsExact() throws Exception {
    assertThat(UCUM.convert(BigDecimal.ONE, "[in_i]", "cm"))
        .isEqualByComparingTo(new BigDecimal("2.54"));
    assertThat(UCUM.convert(new BigDecimal("70"), "[in_i]", "cm"))
        .isEqualByComparingTo(new BigDecimal("177.8"));
  }

  /** [ft_i] is 12 [in_i] = 30.48 cm exactly; the factor must not be rounded to 30.5. */
  @Test
  void footAndInchConversionsKeepFullPrecision() throws Exception {
    assertThat(UCUM.convert(BigDecimal.ONE, "[ft_i]", "cm"))
        .isEqualByComparingTo(new BigDecimal("30.48"));
    assertThat(UCUM.convert(new BigDecimal("6"), "[ft_i]", "cm"))
        .isEqualByComparingTo(new BigDecimal("182.88"));
    assertThat(convert("1", "[ft_i]", "m")).isCloseTo(0.3048, within(1e-12));
    assertThat(convert("100", "cm", "[in_i]")).isCloseTo(100 / 2.54, within(1e-9));
  }

  @Test
  void glucoseMillimolePerLitreToMilligramPerDecilitre() throws Exception {
    BigDecimal mgPerDl = UCUM.convert(new BigDecimal("5.5"), "mmol/L", "mg/dL", GLUCOSE_MOLAR_MASS);
    // 5.5 mmol/L x 180.156 g/mol = 990.858 mg/L = 99.0858 mg/dL
    assertThat(mgPerDl.doubleValue()).isCloseTo(99.0858, within(1e-9));
    assertThat(mgPerDl.doubleValue()).isCloseTo(99.09, within(0.005));
  }

  @Test
  void glucoseMilligramPerDecilitreToMillimolePerLitre() throws Exception {
    BigDecimal mmol =
        UCUM.convert(new BigDecimal("99.0858"), "mg/dL", "mmol/L", GLUCOSE_MOLAR_MASS);
    assertThat(mmol.doubleValue()).isCloseTo(5.5, within(1e-9));
  }

  @Test
  void molarMassIsIgnoredWhenTheUnitsAreComparable() throws Exception {
    assertThat(UCUM.convert(BigDecimal.ONE, "g/L", "mg/dL", GLUCOSE_MOLAR_MASS))
        .isEqualByComparingTo("100");
    assertThat(UCUM.convert(BigDecimal.ONE, "mmol/L", "umol/L", GLUCOSE_MOLAR_MASS))
        .isEqualByComparingTo("1000");
  }

  @Test
  void gramPerLitreAndMilligramPerDecilitre() throws Exception {
    assertThat(UCUM.convert(BigDecimal.ONE, "g/L", "mg/dL")).isEqualByComparingTo("100");
    assertThat(UCUM.convert(new BigDecimal("250"), "mg/dL", "g/L")).isEqualByComparingTo("2.5");
  }

  @Test
  void sameUnitIsTheIdentity() throws Exception {
    assertThat(UCUM.convert(new BigDecimal("97.25"), "%", "%")).isEqualByComparingTo("97.25");
    assertThat(UCUM.convert(new BigDecimal("37.5"), "Cel", "Cel")).isEqualByComparingTo("37.5");
  }

  @Test
  void percentAndDimensionlessOne() throws Exception {
    assertThat(UCUM.convert(new BigDecimal("0.97"), "1", "%")).isEqualByComparingTo("97");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "kg, mm[Hg]",
    "mm[Hg], kg",
    "Cel, kg",
    "[degF], mm[Hg]",
    "kg, Cel",
    "%, mm[Hg]",
    "/min, %",
    "mmol/L, mg/dL"
  })
  void incompatibleUnits(String from, String to) {
    assertThatThrownBy(() -> UCUM.convert(BigDecimal.ONE, from, to))
        .isInstanceOfSatisfying(
            UnitException.class,
            e -> assertThat(e.kind()).isEqualTo(UnitException.Kind.INCOMPATIBLE))
        .hasMessageContaining("cannot be converted");
  }

  @Test
  void substanceToMassWithAMolarMassButWrongDimensionIsIncompatible() {
    assertThatThrownBy(() -> UCUM.convert(BigDecimal.ONE, "mmol/L", "kg", GLUCOSE_MOLAR_MASS))
        .isInstanceOfSatisfying(
            UnitException.class,
            e -> assertThat(e.kind()).isEqualTo(UnitException.Kind.INCOMPATIBLE));
  }

  @ParameterizedTest
  @ValueSource(strings = {"furlongs/fortnight", "bpmx", "mmHg", "degF"})
  void unknownUnits(String unit) {
    assertThatThrownBy(() -> UCUM.convert(BigDecimal.ONE, unit, "kg"))
        .isInstanceOfSatisfying(
            UnitException.class, e -> assertThat(e.kind()).isEqualTo(UnitException.Kind.UNKNOWN))
        .hasMessageContaining(unit);
    assertThatThrownBy(() -> UCUM.convert(BigDecimal.ONE, "kg", unit))
        .isInstanceOfSatisfying(
            UnitException.class, e -> assertThat(e.kind()).isEqualTo(UnitException.Kind.UNKNOWN));
    assertThat(UCUM.isValid(unit)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"mm[Hg]", "Cel", "[degF]", "K", "kPa", "kg", "[lb_av]", "cm", "[in_i]", "%"})
  void validUcum(String unit) {
    assertThat(UCUM.isValid(unit)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/min", "kg/m2", "mg/dL", "mmol/L", "g/L", "1", "{beats}/min"})
  void validUcumExpressions(String unit) {
    assertThat(UCUM.isValid(unit)).isTrue();
  }

  @Test
  void conversionsAreCachedAndStable() throws Exception {
    BigDecimal first = UCUM.convert(new BigDecimal("98.6"), "[degF]", "Cel");
    BigDecimal second = UCUM.convert(new BigDecimal("98.6"), "[degF]", "Cel");
    assertThat(second).isEqualTo(first);
  }
}
