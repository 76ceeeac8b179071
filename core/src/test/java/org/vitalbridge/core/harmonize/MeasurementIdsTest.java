package org.vitalbridge.core.harmonize;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.vitalbridge.core.model.DeviceId;
import org.vitalbridge.core.model.MetricCode;
import org.vitalbridge.core.model.Value;

class MeasurementIdsTest {
  private static final DeviceId DEVICE = DeviceId.of("monitor-1");
  private static final MetricCode SPO2 =
      new MetricCode(150456, "MDC_PULS_OXIM_SAT_O2", "59408-5", "SpO2");
  private static final Instant AT = Instant.parse("2026-03-15T10:30:00.250Z");

  /**
   * RFC 9562 version 8 (section 5.8), laid out as MeasurementIds documents it, written out
   * independently of the implementation: 48 bits of Unix milliseconds, version 8, then 12 + 62 bits
   * of SHA-1(namespace, name), variant 10.
   */
  private static UUID expected(UUID namespace, String name, long millis) throws Exception {
    MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
    sha1.update(
        ByteBuffer.allocate(16)
            .putLong(namespace.getMostSignificantBits())
            .putLong(namespace.getLeastSignificantBits())
            .array());
    byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
    ByteBuffer b = ByteBuffer.wrap(hash, 0, 10);
    int randA = b.getShort() & 0x0FFF;
    long randB = b.getLong() & 0x3FFFFFFFFFFFFFFFL;
    long msb = (millis << 16) | 0x8000L | randA;
    long lsb = randB | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }

  @Test
  void isAnRfc9562Version8UuidOfObservationTimeAndAHashOverDeviceMetricTimeAndValue()
      throws Exception {
    UUID id = MeasurementIds.of(DEVICE, SPO2, AT, new Value.Quantity(new BigDecimal("97"), "%"));
    String name = "monitor-1\n150456\n" + AT.getEpochSecond() + ".250000000\n97 %";
    assertThat(id).isEqualTo(expected(MeasurementIds.NAMESPACE, name, AT.toEpochMilli()));
    assertThat(id.version()).isEqualTo(8);
    assertThat(id.variant()).isEqualTo(2);
    assertThat(id.toString())
        .startsWith(
            String.format("%08x-%04x", AT.toEpochMilli() >>> 16, AT.toEpochMilli() & 0xFFFF));
  }

  /** Index locality in the store: later observations sort after earlier ones, as text too. */
  @Test
  void idsSortByObservationTime() {
    Value v = new Value.Quantity(new BigDecimal("97"), "%");
    String earlier = MeasurementIds.of(DeviceId.of("zz-last"), SPO2, AT, v).toString();
    String later = MeasurementIds.of(DEVICE, SPO2, AT.plusMillis(1), v).toString();
    assertThat(earlier).isLessThan(later);
  }

  @Test
  void timesOutsideTheRangeStayDeterministic() {
    Value v = new Value.Quantity(new BigDecimal("97"), "%");
    Instant before1970 = Instant.parse("1969-12-31T23:59:59Z");
    assertThat(MeasurementIds.of(DEVICE, SPO2, before1970, v))
        .isEqualTo(MeasurementIds.of(DEVICE, SPO2, before1970, v))
        .isNotEqualTo(MeasurementIds.of(DEVICE, SPO2, before1970.minusSeconds(1), v));
    assertThat(MeasurementIds.of(DEVICE, SPO2, Instant.MAX, v).version()).isEqualTo(8);
    assertThat(MeasurementIds.of(DEVICE, SPO2, Instant.MIN, v).version()).isEqualTo(8);
  }

  /** Ids are stored downstream; a change of namespace or name layout would break idempotency. */
  @Test
  void namespaceNeverChanges() {
    assertThat(MeasurementIds.NAMESPACE)
        .isEqualTo(UUID.fromString("6f1c8a52-3d7e-5b0a-9c41-7e2f0d9b8a13"));
  }

  @Test
  void equalValuesGiveEqualIds() {
    UUID a = MeasurementIds.of(DEVICE, SPO2, AT, new Value.Quantity(new BigDecimal("97.0"), "%"));
    UUID b = MeasurementIds.of(DEVICE, SPO2, AT, new Value.Quantity(new BigDecimal("97"), "%"));
    assertThat(a).isEqualTo(b);
  }

  @Test
  void nanosecondsCount() {
    Value v = new Value.Quantity(new BigDecimal("97"), "%");
    assertThat(MeasurementIds.of(DEVICE, SPO2, AT, v))
        .isNotEqualTo(MeasurementIds.of(DEVICE, SPO2, AT.plusNanos(1), v));
  }

  @Test
  void valueKindsDoNotCollide() {
    UUID text = MeasurementIds.of(DEVICE, SPO2, AT, new Value.Text("97 %"));
    UUID quantity =
        MeasurementIds.of(DEVICE, SPO2, AT, new Value.Quantity(BigDecimal.valueOf(97), "%"));
    assertThat(text).isNotEqualTo(quantity);
  }
}
