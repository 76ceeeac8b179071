package org.vitalbridge.core.terminology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.vitalbridge.core.ConfigurationException;
import org.vitalbridge.core.model.MetricCode;
import org.vitalbridge.core.units.UcumUnits;

class TerminologyTest {
  private static final Terminology SHIPPED = TerminologyLoader.shipped();

  private static MetricDefinition first(Terminology t, String label) {
    List<MetricDefinition> candidates = t.candidates(label);
    assertThat(candidates).as("candidates for '%s'", label).isNotEmpty();
    return candidates.get(0);
  }

  @Nested
  class Synonyms {
    @ParameterizedTest(name = "''{0}'' -> {1} {2}")
    @CsvSource(
        delimiter = '|',
        quoteCharacter = '"',
        value = {
          // SpO2 (STANDARDS.md)
          "SpO2|150456|MDC_PULS_OXIM_SAT_O2|59408-5|%",
          "SPO2|150456|MDC_PULS_OXIM_SAT_O2|59408-5|%",
          "spo2|150456|MDC_PULS_OXIM_SAT_O2|59408-5|%",
          "O2Sat|150456|MDC_PULS_OXIM_SAT_O2|59408-5|%",
          "oxygen_saturation|150456|MDC_PULS_OXIM_SAT_O2|59408-5|%",
          "Oxygen Saturation|150456|MDC_PULS_OXIM_SAT_O2|59408-5|%",
          "Sat O2|150456|MDC_PULS_OXIM_SAT_O2|59408-5|%",
          "SAT-O2|150456|MDC_PULS_OXIM_SAT_O2|59408-5|%",
          "spo2_pct|150456|MDC_PULS_OXIM_SAT_O2|59408-5|%",
          "%SpO2|150456|MDC_PULS_OXIM_SAT_O2|59408-5|%",
          "Sp.O2|150456|MDC_PULS_OXIM_SAT_O2|59408-5|%",
          // heart rate (ECG) and pulse rates
          "HR|147842|MDC_ECG_HEART_RATE|8867-4|/min",
          "hr|147842|MDC_ECG_HEART_RATE|8867-4|/min",
          "heart_rate|147842|MDC_ECG_HEART_RATE|8867-4|/min",
          "Heart Rate|147842|MDC_ECG_HEART_RATE|8867-4|/min",
          "bpm|147842|MDC_ECG_HEART_RATE|8867-4|/min",
          "pulse|147842|MDC_ECG_HEART_RATE|8867-4|/min",
          "PR|149530|MDC_PULS_OXIM_PULS_RATE|8867-4|/min",
          "pulse_rate|149530|MDC_PULS_OXIM_PULS_RATE|8867-4|/min",
          "nibp_pulse|149546|MDC_PULS_RATE_NON_INV|8867-4|/min",
          // perfusion index
          "PI|150488|MDC_BLD_PERF_INDEX|61006-3|%",
          "perfusion_index|150488|MDC_BLD_PERF_INDEX|61006-3|%",
          // NIBP
          "systolic|150021|MDC_PRESS_BLD_NONINV_SYS|8480-6|mm[Hg]",
          "NIBP_SYS|150021|MDC_PRESS_BLD_NONINV_SYS|8480-6|mm[Hg]",
          "NIBP-Sys|150021|MDC_PRESS_BLD_NONINV_SYS|8480-6|mm[Hg]",
          "diastolic|150022|MDC_PRESS_BLD_NONINV_DIA|8462-4|mm[Hg]",
          "NIBP_DIA|150022|MDC_PRESS_BLD_NONINV_DIA|8462-4|mm[Hg]",
          "MAP|150023|MDC_PRESS_BLD_NONINV_MEAN|8478-0|mm[Hg]",
          "nibp_mean|150023|MDC_PRESS_BLD_NONINV_MEAN|8478-0|mm[Hg]",
          // invasive arterial
          "ART_SYS|150033|MDC_PRESS_BLD_ART_SYS|8480-6|mm[Hg]",
          "ibp_dia|150034|MDC_PRESS_BLD_ART_DIA|8462-4|mm[Hg]",
          "Art Mean|150035|MDC_PRESS_BLD_ART_MEAN|8478-0|mm[Hg]",
          "abp_sys|150037|MDC_PRESS_BLD_ART_ABP_SYS|8480-6|mm[Hg]",
          "abp_dia|150038|MDC_PRESS_BLD_ART_ABP_DIA|8462-4|mm[Hg]",
          "abp_mean|150039|MDC_PRESS_BLD_ART_ABP_MEAN|8478-0|mm[Hg]",
          // respiration
          "RR|151562|MDC_RESP_RATE|9279-1|/min",
          "Resp Rate|151562|MDC_RESP_RATE|9279-1|/min",
          "respiratory_rate|151562|MDC_RESP_RATE|9279-1|/min",
          "awRR|151594|MDC_CO2_RESP_RATE|9279-1|/min",
          "rr_imp|151578|MDC_TTHOR_RESP_RATE|9279-1|/min",
          // temperature
          "Temp|150364|MDC_TEMP_BODY|8310-5|Cel",
          "body_temp|150364|MDC_TEMP_BODY|8310-5|Cel",
          "temperature|150364|MDC_TEMP_BODY|8310-5|Cel",
          "TEMPERATURE|150364|MDC_TEMP_BODY|8310-5|Cel",
          // anthropometry
          "weight|188736|MDC_MASS_BODY_ACTUAL|29463-7|kg",
          "Body Weight|188736|MDC_MASS_BODY_ACTUAL|29463-7|kg",
          "height|188740|MDC_LEN_BODY_ACTUAL|8302-2|cm",
          "BMI|188752|MDC_RATIO_MASS_BODY_LEN_SQ|39156-5|kg/m2",
          "body-mass-index|188752|MDC_RATIO_MASS_BODY_LEN_SQ|39156-5|kg/m2",
          // glucose
          "glucose|160184|MDC_CONC_GLU_CAPILLARY_WHOLEBLOOD|41653-7|mg/dL",
          "Blood Glucose|160184|MDC_CONC_GLU_CAPILLARY_WHOLEBLOOD|41653-7|mg/dL",
          // capnography: partial pressure first, the concentration is the second candidate
          "EtCO2|151728|MDC_AWAY_CO2_ET|19891-1|mm[Hg]",
          "etco2_pct|151708|MDC_CONC_AWAY_CO2_ET|19889-5|%",
        })
    void resolvesIgnoringCaseAndPunctuation(
        String label, int mdc, String refId, String loinc, String unit) {
      MetricDefinition d = first(SHIPPED, label);
      assertThat(d.code().mdc()).isEqualTo(mdc);
      assertThat(d.code().refId()).isEqualTo(refId);
      assertThat(d.code().loinc()).isEqualTo(loinc);
      assertThat(d.unit()).isEqualTo(unit);
    }

    @Test
    void spo2AlsoCarriesTheVitalSignsLoinc() {
      MetricDefinition spo2 = first(SHIPPED, "SpO2");
      assertThat(spo2.code().loinc()).isEqualTo("59408-5");
      assertThat(spo2.alsoLoinc()).containsExactly("2708-6");
      assertThat(spo2.min()).isEqualByComparingTo("0");
      assertThat(spo2.max()).isEqualByComparingTo("100");
    }

    @Test
    void etco2HasTwoCandidatesOrderedPartialPressureFirst() {
      assertThat(SHIPPED.candidates("EtCO2"))
          .extracting(d -> d.code().mdc())
          .containsExactly(151728, 151708);
    }

    @Test
    void fullWidthCharactersAreNormalized() {
      assertThat(first(SHIPPED, "ＳｐＯ２").code().mdc()).isEqualTo(150456);
    }

    @ParameterizedTest
    @ValueSource(strings = {"flux_capacitor", "", "   ", "---", "SpO3", "150457"})
    void unknownLabelHasNoCandidates(String label) {
      assertThat(SHIPPED.candidates(label)).isEmpty();
    }
  }

  @Nested
  class Codes {
    @ParameterizedTest
    @CsvSource({
      "MDC_PULS_OXIM_SAT_O2, 150456",
      "mdc_puls_oxim_sat_o2, 150456",
      "MDC_ECG_HEART_RATE, 147842",
      "MDC_TEMP_BODY, 150364",
      "MDC_MASS_BODY_ACTUAL, 188736",
      "MDC_RESP_RATE, 151562",
      "MDC_CONC_AWAY_CO2_ET, 151708",
      "MDC_AWAY_CO2_ET, 151728"
    })
    void byReferenceId(String refId, int mdc) {
      assertThat(first(SHIPPED, refId).code().mdc()).isEqualTo(mdc);
    }

    @ParameterizedTest
    @ValueSource(
        ints = {
          150456, 149530, 147842, 149546, 150021, 150022, 150023, 150033, 150034, 150035, 150364,
          188736, 188740, 188752, 160184, 151562, 151728, 151708, 150488
        })
    void byNumericCode(int mdc) {
      assertThat(SHIPPED.byMdc(mdc))
          .hasValueSatisfying(d -> assertThat(d.code().mdc()).isEqualTo(mdc));
      assertThat(first(SHIPPED, Integer.toString(mdc)).code().mdc()).isEqualTo(mdc);
    }

    @Test
    void unknownNumericCode() {
      assertThat(SHIPPED.byMdc(150457)).isEmpty();
      assertThat(SHIPPED.byMdc(1)).isEmpty();
    }

    /**
     * 151708 in mmHg is common in real feeds: its own metric first, then the owner of alsoCodes.
     */
    @Test
    void alsoCodesComeAfterTheMetricThatOwnsTheCode() {
      assertThat(SHIPPED.candidates("151708"))
          .extracting(d -> d.code().mdc())
          .containsExactly(151708, 151728);
      assertThat(SHIPPED.byMdc(151708))
          .hasValueSatisfying(d -> assertThat(d.key()).isEqualTo("etco2_concentration"));
    }

    @ParameterizedTest(name = "{0} = {1} x 65536 + {2}")
    @CsvSource({
      "150456, 2, 19384", // MDC_PULS_OXIM_SAT_O2
      "147842, 2, 16770", // MDC_ECG_HEART_RATE
      "150364, 2, 19292", // MDC_TEMP_BODY
      "150021, 2, 18949", // MDC_PRESS_BLD_NONINV_SYS
      "151562, 2, 20490", // MDC_RESP_RATE
      "188736, 2, 57664", // MDC_MASS_BODY_ACTUAL
      "160184, 2, 29112", // MDC_CONC_GLU_CAPILLARY_WHOLEBLOOD
    })
    void mdcCodeIsPartitionTimes65536PlusTermCode(int mdc, int partition, int term) {
      assertThat(partition * 65536 + term).isEqualTo(mdc);
      MetricCode code = SHIPPED.byMdc(mdc).orElseThrow().code();
      assertThat(code.partition()).isEqualTo(partition);
      assertThat(code.termCode()).isEqualTo(term);
    }

    @Test
    void byKey() {
      assertThat(SHIPPED.byKey("spo2"))
          .hasValueSatisfying(d -> assertThat(d.code().mdc()).isEqualTo(150456));
      assertThat(SHIPPED.byKey("SpO2")).isEmpty();
    }
  }

  /** Checks over the whole shipped table, so new entries are held to the same rules. */
  @Nested
  class WholeTable {
    private static final Pattern LOINC = Pattern.compile("\\d{1,7}-\\d");
    private static final Pattern REF_ID = Pattern.compile("MDC_[A-Z0-9_]+");

    @Test
    void everyMetricResolvesByKeyRefIdCodeAndEverySynonym() {
      assertThat(SHIPPED.definitions()).hasSizeGreaterThanOrEqualTo(20);
      for (MetricDefinition d : SHIPPED.definitions()) {
        assertThat(SHIPPED.candidates(d.key())).as(d.key()).contains(d);
        assertThat(SHIPPED.candidates(d.code().refId())).as(d.code().refId()).first().isEqualTo(d);
        assertThat(SHIPPED.candidates(Integer.toString(d.code().mdc()))).first().isEqualTo(d);
        assertThat(SHIPPED.byMdc(d.code().mdc())).contains(d);
        for (String synonym : d.synonyms()) {
          assertThat(SHIPPED.candidates(synonym)).as("%s synonym %s", d.key(), synonym).contains(d);
        }
      }
    }

    @Test
    void everyCodeIsWellFormed() {
      UcumUnits ucum = UcumUnits.load();
      for (MetricDefinition d : SHIPPED.definitions()) {
        MetricCode c = d.code();
        assertThat(c.partition()).as("%s partition", d.key()).isEqualTo(2);
        assertThat(c.partition() * 65536 + c.termCode()).isEqualTo(c.mdc());
        assertThat(c.refId()).as(d.key()).matches(REF_ID);
        if (c.loinc() != null) {
          assertThat(c.loinc()).as(d.key()).matches(LOINC);
        }
        d.alsoLoinc().forEach(l -> assertThat(l).as(d.key()).matches(LOINC));
        assertThat(ucum.isValid(d.unit())).as("%s unit %s", d.key(), d.unit()).isTrue();
        assertThat(d.min()).as("%s range", d.key()).isNotNull();
        assertThat(d.max()).as("%s range", d.key()).isNotNull();
      }
    }

    @Test
    void mdcCodesAreUnique() {
      assertThat(SHIPPED.definitions().stream().map(d -> d.code().mdc())).doesNotHaveDuplicates();
      assertThat(SHIPPED.definitions().stream().map(d -> d.code().refId())).doesNotHaveDuplicates();
    }

    @Test
    void bloodPressureComponentsShareTheirLoincCodes() {
      assertThat(SHIPPED.byMdc(150033).orElseThrow().code().loinc()).isEqualTo("8480-6");
      assertThat(SHIPPED.byMdc(150034).orElseThrow().code().loinc()).isEqualTo("8462-4");
      assertThat(SHIPPED.byMdc(150035).orElseThrow().code().loinc()).isEqualTo("8478-0");
    }
  }

  @Nested
  class Overrides {
    @TempDir Path dir;

    private Path write(String name, String yaml) throws IOException {
      Path file = dir.resolve(name);
      Files.writeString(file, yaml);
      return file;
    }

    @Test
    void overrideChangesRangeAndAddsSynonym() throws Exception {
      Path file =
          write(
              "site.yaml",
              """
              metrics:
                - key: spo2
                  range: [50, 100]
                  synonyms: [Ox Sat Probe A]
              """);
      Terminology t = TerminologyLoader.load(List.of(file));
      MetricDefinition spo2 = t.byKey("spo2").orElseThrow();
      assertThat(spo2.min()).isEqualByComparingTo("50");
      assertThat(spo2.max()).isEqualByComparingTo("100");
      assertThat(spo2.inRange(new BigDecimal("49.9"))).isFalse();
      assertThat(first(t, "ox-sat-probe-a")).isEqualTo(spo2);
      // what the override does not name is kept
      assertThat(first(t, "O2Sat")).isEqualTo(spo2);
      assertThat(spo2.code().mdc()).isEqualTo(150456);
      assertThat(spo2.code().loinc()).isEqualTo("59408-5");
      assertThat(spo2.unit()).isEqualTo("%");
      // the shipped table is unchanged
      assertThat(SHIPPED.byKey("spo2").orElseThrow().min()).isEqualByComparingTo("0");
      assertThat(SHIPPED.candidates("ox-sat-probe-a")).isEmpty();
    }

    @Test
    void overridesApplyInOrder() throws Exception {
      Path a = write("a.yaml", "metrics:\n  - key: spo2\n    range: [50, 100]\n");
      Path b = write("b.yaml", "metrics:\n  - key: spo2\n    range: [70, 100]\n");
      assertThat(TerminologyLoader.load(List.of(a, b)).byKey("spo2").orElseThrow().min())
          .isEqualByComparingTo("70");
      assertThat(TerminologyLoader.load(List.of(b, a)).byKey("spo2").orElseThrow().min())
          .isEqualByComparingTo("50");
    }

    @Test
    void overrideAddsANewMetric() throws Exception {
      // a made-up code in the private range of partition 2, for this test only
      Path file =
          write(
              "new.yaml",
              """
              metrics:
                - key: test_pressure
                  mdc: 196000
                  refid: MDC_TEST_PRESSURE
                  display: Test pressure
                  unit: cm[H2O]
                  range: [0, 60]
                  synonyms: [tp, test-pressure]
              """);
      Terminology t = TerminologyLoader.load(List.of(file));
      MetricDefinition d = first(t, "TP");
      assertThat(d.key()).isEqualTo("test_pressure");
      assertThat(d.code())
          .isEqualTo(new MetricCode(196000, "MDC_TEST_PRESSURE", null, "Test pressure"));
      assertThat(d.unit()).isEqualTo("cm[H2O]");
      assertThat(t.byMdc(196000)).contains(d);
      assertThat(first(t, "MDC_TEST_PRESSURE")).isEqualTo(d);
      assertThat(t.definitions()).hasSize(SHIPPED.definitions().size() + 1);
    }

    @Test
    void newMetricMustNameItsCodesAndUnit() throws Exception {
      Path file =
          write("incomplete.yaml", "metrics:\n  - key: half_done\n    display: Half done\n");
      assertThatThrownBy(() -> TerminologyLoader.load(List.of(file)))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("half_done")
          .hasMessageContaining("'mdc' is required");
    }

    @Test
    void unknownKeyNamesFileAndLine() throws Exception {
      Path file =
          write(
              "typo.yaml",
              """
              metrics:
                - key: spo2
                  range: [50, 100]
                  lable: oops
                  synonyms: [a_new_label]
                - key: heart_rate
                  range: [20, 300]
              """);
      assertThatThrownBy(() -> TerminologyLoader.load(List.of(file)))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("lable")
          .hasMessageContaining("typo.yaml:4:");
    }

    /** A repeated key silently keeps only the last value; it must be reported. */
    @Test
    void duplicateKeyIsAnError() throws Exception {
      Path file =
          write("dup.yaml", "metrics:\n  - key: spo2\n    range: [50, 100]\n    range: [0, 100]\n");
      assertThatThrownBy(() -> TerminologyLoader.load(List.of(file)))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("dup.yaml:4:")
          .hasMessageContaining("range");
    }

    @Test
    void wrongTypeNamesFileAndLine() throws Exception {
      Path file = write("types.yaml", "metrics:\n  - key: spo2\n    mdc: abc\n");
      assertThatThrownBy(() -> TerminologyLoader.load(List.of(file)))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("types.yaml:3:");
    }

    @Test
    void missingMetricsListIsAnError() throws Exception {
      Path file = write("empty.yaml", "metric:\n  - key: spo2\n");
      assertThatThrownBy(() -> TerminologyLoader.load(List.of(file)))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("empty.yaml");
    }

    @Test
    void entryWithoutKeyIsAnError() throws Exception {
      Path file = write("nokey.yaml", "metrics:\n  - range: [0, 1]\n");
      assertThatThrownBy(() -> TerminologyLoader.load(List.of(file)))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("nokey.yaml")
          .hasMessageContaining("'key'");
    }

    @Test
    void missingOverrideFileIsAnError() {
      Path file = dir.resolve("absent.yaml");
      assertThatThrownBy(() -> TerminologyLoader.load(List.of(file)))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("absent.yaml");
    }

    @Test
    void rangeWithMinAboveMaxIsAnError() throws Exception {
      Path file = write("range.yaml", "metrics:\n  - key: spo2\n    range: [100, 0]\n");
      assertThatThrownBy(() -> TerminologyLoader.load(List.of(file)))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("spo2");
    }

    @Test
    void ambiguousSynonymWithTheSameUnitIsAnError() throws Exception {
      // "P.I." normalizes to "pi", the perfusion index's synonym; both are in %
      Path file = write("clash.yaml", "metrics:\n  - key: spo2\n    synonyms: [P.I.]\n");
      assertThatThrownBy(() -> TerminologyLoader.load(List.of(file)))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("spo2")
          .hasMessageContaining("perfusion_index")
          .hasMessageContaining("same unit %");
    }

    @Test
    void ambiguousSynonymAcrossANewMetricIsAnError() throws Exception {
      Path file =
          write(
              "clash2.yaml",
              """
              metrics:
                - key: heart_rate_2
                  mdc: 196001
                  refid: MDC_TEST_HR
                  display: Another heart rate
                  unit: /min
                  synonyms: [Heart-Rate]
              """);
      assertThatThrownBy(() -> TerminologyLoader.load(List.of(file)))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("heart_rate_2")
          .hasMessageContaining("heart_rate'");
    }

    @Test
    void theSameSynonymWithDifferentUnitsIsAllowed() throws Exception {
      // like EtCO2 in mmHg and in %: the reading's unit decides
      Path file = write("hr.yaml", "metrics:\n  - key: spo2\n    synonyms: [HR]\n");
      Terminology t = TerminologyLoader.load(List.of(file));
      assertThat(t.candidates("HR"))
          .extracting(MetricDefinition::key)
          .contains("spo2", "heart_rate");
    }
  }

  @Nested
  class LabelNormalization {
    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        value = {
          "Sat O2|sato2",
          "SAT_O2|sato2",
          "sat-o2|sato2",
          "%SpO2|spo2",
          "NIBP (sys)|nibpsys",
          "Temp.|temp",
          "ＳｐＯ２|spo2",
          "Température|température"
        })
    void normalize(String label, String key) {
      assertThat(Labels.normalize(label)).isEqualTo(key);
    }
  }
}
