package org.vitalbridge.core.units;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.vitalbridge.core.ConfigurationException;

class UnitResolverTest {
  private static final UcumUnits UCUM = UcumUnits.load();
  private static final UnitResolver RESOLVER = new UnitResolver(UnitAliases.shipped(), UCUM);

  @ParameterizedTest(name = "''{0}'' -> {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "bpm|/min",
        "BPM|/min",
        "beats/min|/min",
        "{beats}/min|/min",
        "br/min|/min",
        "%SpO2|%",
        "percent|%",
        "degF|[degF]",
        "°F|[degF]",
        "F|[degF]",
        "fahrenheit|[degF]",
        "°C|Cel",
        "C|Cel",
        "degC|Cel",
        "celsius|Cel",
        "mmHg|mm[Hg]",
        "mm Hg|mm[Hg]",
        "MMHG|mm[Hg]",
        "torr|mm[Hg]",
        "lbs|[lb_av]",
        "lb|[lb_av]",
        "kpa|kPa",
        "KPa|kPa",
        "mg/dl|mg/dL",
        "MG/DL|mg/dL",
        "mmol/l|mmol/L",
        "kg/m^2|kg/m2",
        "kg/m²|kg/m2",
        "in|[in_i]",
        "inches|[in_i]",
        "ft|[ft_i]",
        "kilograms|kg",
        "cmH2O|cm[H2O]",
      })
  void vendorSpellings(String vendor, String ucum) throws Exception {
    assertThat(RESOLVER.toUcum(vendor)).isEqualTo(ucum);
  }

  /** A thermometer's "C" is Celsius and "F" Fahrenheit, though UCUM reads coulomb and farad. */
  @Test
  void aliasWinsOverValidUcum() throws Exception {
    assertThat(UCUM.isValid("C")).isTrue();
    assertThat(UCUM.isValid("F")).isTrue();
    assertThat(RESOLVER.toUcum("C")).isEqualTo("Cel");
    assertThat(RESOLVER.toUcum("F")).isEqualTo("[degF]");
  }

  @ParameterizedTest(name = "{0} ({1}) -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "262688|MDC_DIM_PERCENT|%",
        "264864|MDC_DIM_BEAT_PER_MIN|/min",
        "264928|MDC_DIM_RESP_PER_MIN|/min",
        "266016|MDC_DIM_MMHG|mm[Hg]",
        "268192|MDC_DIM_DEGC|Cel",
        "266560|MDC_DIM_FAHR|[degF]",
        "265987|MDC_DIM_KILO_PASCAL|kPa",
        "263875|MDC_DIM_KILO_G|kg",
        "263904|MDC_DIM_LB|[lb_av]",
        "263441|MDC_DIM_CENTI_M|cm",
        "264274|MDC_DIM_MILLI_G_PER_DL|mg/dL",
        "266866|MDC_DIM_MILLI_MOLE_PER_L|mmol/L",
        "264096|MDC_DIM_KG_PER_M_SQ|kg/m2",
      })
  void mdcUnitCodesAndReferenceIds(String code, String refId, String ucum) throws Exception {
    assertThat(RESOLVER.toUcum(code)).isEqualTo(ucum);
    assertThat(RESOLVER.toUcum(refId)).isEqualTo(ucum);
    // MDC unit codes live in partition 4 (dimensions): code = 4 x 65536 + term code
    assertThat(Integer.parseInt(code) >>> 16).isEqualTo(4);
  }

  @Test
  void mdcUnitCodeArithmetic() throws Exception {
    assertThat(RESOLVER.toUcum(Integer.toString(4 * 65536 + 544))).isEqualTo("%");
    assertThat(RESOLVER.toUcum(Integer.toString(4 * 65536 + 2720))).isEqualTo("/min");
    assertThat(RESOLVER.toUcum(Integer.toString(4 * 65536 + 3872))).isEqualTo("mm[Hg]");
    assertThat(RESOLVER.toUcum(Integer.toString(4 * 65536 + 6048))).isEqualTo("Cel");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "mm[Hg]", "/min", "kg/m2", "Cel", "[degF]", "%", "kPa", "kg", "cm", "mg/dL", "mmol/L", "1"
      })
  void validUcumPassesThroughUnchanged(String ucum) throws Exception {
    assertThat(RESOLVER.toUcum(ucum)).isEqualTo(ucum);
  }

  @Test
  void surroundingWhitespaceIsIgnored() throws Exception {
    assertThat(RESOLVER.toUcum(" mmHg ")).isEqualTo("mm[Hg]");
    assertThat(RESOLVER.toUcum("\tmm[Hg]\n")).isEqualTo("mm[Hg]");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Mmhg", "BeAtS/MiN", "PERCENT", "Fahrenheit", "KILOGRAMS"})
  void caseInsensitiveFallback(String vendor) throws Exception {
    assertThat(RESOLVER.toUcum(vendor)).isIn("mm[Hg]", "/min", "%", "[degF]", "kg");
  }

  @ParameterizedTest
  @ValueSource(strings = {"furlongs/fortnight", "bpmx", "", "   ", "beats per fortnight", "°X"})
  void unknownSpellingIsUnknown(String vendor) {
    assertThatThrownBy(() -> RESOLVER.toUcum(vendor))
        .isInstanceOfSatisfying(
            UnitException.class, e -> assertThat(e.kind()).isEqualTo(UnitException.Kind.UNKNOWN))
        .hasMessageContaining("'" + vendor + "'");
  }

  /**
   * A bare MDC unit code the alias table does not know is an MDC code, not a UCUM number: reading
   * it as the dimensionless factor 262689 would scale the value instead of rejecting the unit.
   */
  @ParameterizedTest
  @ValueSource(strings = {"262689", "268193"})
  void unknownMdcUnitCodeIsUnknownNotAUcumNumber(String code) {
    assertThatThrownBy(() -> RESOLVER.toUcum(code))
        .isInstanceOfSatisfying(
            UnitException.class, e -> assertThat(e.kind()).isEqualTo(UnitException.Kind.UNKNOWN));
  }

  @Test
  void resolvingTwiceGivesTheSameAnswer() throws Exception {
    assertThat(RESOLVER.toUcum("mmHg")).isEqualTo(RESOLVER.toUcum("mmHg"));
    assertThatThrownBy(() -> RESOLVER.toUcum("bpmx")).isInstanceOf(UnitException.class);
    assertThatThrownBy(() -> RESOLVER.toUcum("bpmx")).isInstanceOf(UnitException.class);
  }

  @Test
  void userAdditionsExtendTheShippedAliases() throws Exception {
    UnitResolver resolver =
        new UnitResolver(
            UnitAliases.withAdditions(
                Map.of("/min", List.of("schlaege/min"), "kg", List.of("kilo"))),
            UCUM);
    assertThat(resolver.toUcum("schlaege/min")).isEqualTo("/min");
    assertThat(resolver.toUcum("kilo")).isEqualTo("kg");
    assertThat(resolver.toUcum("bpm")).isEqualTo("/min");
  }

  @Test
  void anAliasForTwoUnitsIsAConfigurationError() {
    assertThatThrownBy(() -> UnitAliases.withAdditions(Map.of("kg", List.of("lbs"))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("lbs")
        .hasMessageContaining("[lb_av]")
        .hasMessageContaining("kg");
  }

  @Test
  void aliasesLookup() {
    UnitAliases aliases = UnitAliases.shipped();
    assertThat(aliases.exactAlias("mmHg")).isEqualTo("mm[Hg]");
    assertThat(aliases.exactAlias("MmHg")).isNull();
    assertThat(aliases.foldedAlias("MmHg")).isEqualTo("mm[Hg]");
    assertThat(aliases.exactAlias("no-such-unit")).isNull();
  }
}
