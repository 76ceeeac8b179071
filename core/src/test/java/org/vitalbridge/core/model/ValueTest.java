package org.vitalbridge.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ValueTest {

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({
    "97, 97.0",
    "97, 97.000",
    "0, 0.00",
    "0, -0.0",
    "100, 100.0",
    "100, 1E+2",
    "0.5, 0.50"
  })
  void quantityDropsTrailingZeros(String a, String b) {
    Value.Quantity qa = new Value.Quantity(new BigDecimal(a), "%");
    Value.Quantity qb = new Value.Quantity(new BigDecimal(b), "%");
    assertThat(qa).isEqualTo(qb);
    assertThat(qa.hashCode()).isEqualTo(qb.hashCode());
    assertThat(qa.canonicalKey()).isEqualTo(qb.canonicalKey());
  }

  @Test
  void quantityCanonicalKeyIsPlainNumberAndUnit() {
    assertThat(new Value.Quantity(new BigDecimal("97.50"), "%").canonicalKey()).isEqualTo("97.5 %");
    assertThat(new Value.Quantity(new BigDecimal("120.0"), "mm[Hg]").canonicalKey())
        .isEqualTo("120 mm[Hg]");
    assertThat(new Value.Quantity(new BigDecimal("0.000"), "Cel").canonicalKey())
        .isEqualTo("0 Cel");
    assertThat(new Value.Quantity(new BigDecimal("-0.0"), "Cel").number())
        .isSameAs(BigDecimal.ZERO);
  }

  @Test
  void quantitiesDifferingInNumberOrUnitDiffer() {
    Value.Quantity q = new Value.Quantity(new BigDecimal("97"), "%");
    assertThat(q).isNotEqualTo(new Value.Quantity(new BigDecimal("97.1"), "%"));
    assertThat(q).isNotEqualTo(new Value.Quantity(new BigDecimal("97"), "1"));
    assertThat(q.canonicalKey())
        .isNotEqualTo(new Value.Quantity(new BigDecimal("97"), "1").canonicalKey());
  }

  @Test
  void quantityRequiresNumberAndUnit() {
    assertThatThrownBy(() -> new Value.Quantity(null, "%"))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new Value.Quantity(BigDecimal.ONE, null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void codedAndTextEquality() {
    assertThat(new Value.Coded("urn:iso:std:iso:11073:10101", "196670", "alarm"))
        .isEqualTo(new Value.Coded("urn:iso:std:iso:11073:10101", "196670", "alarm"))
        .hasSameHashCodeAs(new Value.Coded("urn:iso:std:iso:11073:10101", "196670", "alarm"));
    assertThat(new Value.Coded("s", "c", null).canonicalKey()).isEqualTo("s|c");
    assertThat(new Value.Text("lead off")).isEqualTo(new Value.Text("lead off"));
    assertThat(new Value.Text("lead off").canonicalKey()).isEqualTo("text:lead off");
    assertThatThrownBy(() -> new Value.Coded(null, "c", null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new Value.Text(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void canonicalKeysOfDifferentKindsDoNotCollide() {
    assertThat(new Value.Text("97 %").canonicalKey())
        .isNotEqualTo(new Value.Quantity(new BigDecimal("97"), "%").canonicalKey());
  }

  @Test
  void sampledSeriesCopiesDataAndRequiresPositivePeriod() {
    List<Long> data = new ArrayList<>(List.of(1L, 2L, 3L));
    Value.SampledSeries s =
        new Value.SampledSeries(
            new BigDecimal("0.0"), new BigDecimal("4.00"), new BigDecimal("1.50"), "mV", data);
    data.add(4L);
    assertThat(s.data()).containsExactly(1L, 2L, 3L);
    assertThatThrownBy(() -> s.data().add(5L)).isInstanceOf(UnsupportedOperationException.class);
    assertThat(s.canonicalKey()).isEqualTo("series:0/4/1.5 mV[1, 2, 3]");
    assertThat(s)
        .isEqualTo(
            new Value.SampledSeries(
                new BigDecimal("0.0"),
                new BigDecimal("4.00"),
                new BigDecimal("1.50"),
                "mV",
                List.of(1L, 2L, 3L)));
    assertThatThrownBy(
            () ->
                new Value.SampledSeries(
                    BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ONE, "mV", List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new Value.SampledSeries(
                    BigDecimal.ZERO, new BigDecimal("-1"), BigDecimal.ONE, "mV", List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aSampledSeriesComesBackFromItsCanonicalKey() {
    Value.SampledSeries s =
        new Value.SampledSeries(
            new BigDecimal("-1.5"),
            new BigDecimal("6.666666666666667"),
            new BigDecimal("0.00000001"),
            "mm[Hg]",
            List.of(104980469L, -3L, 0L));

    assertThat(Value.SampledSeries.parse(s.canonicalKey())).isEqualTo(s);
    assertThat(
            Value.SampledSeries.parse(
                new Value.SampledSeries(
                        BigDecimal.ZERO, BigDecimal.ONE, BigDecimal.ONE, "1", List.of())
                    .canonicalKey()))
        .extracting(Value.SampledSeries::unit, Value.SampledSeries::data)
        .containsExactly("1", List.of());
    assertThatThrownBy(() -> Value.SampledSeries.parse("text:series"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Value.SampledSeries.parse("series:0/4/x mV[1]"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
