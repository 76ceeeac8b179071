package org.vitalbridge.core.harmonize;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.UUID;
import org.vitalbridge.core.model.DeviceId;
import org.vitalbridge.core.model.MetricCode;
import org.vitalbridge.core.model.Value;

/**
 * Deterministic measurement ids. A measurement id is an RFC 9562 version 8 UUID: the first 48 bits
 * are the observation time in Unix milliseconds (as in version 7), the remaining 74 free bits come
 * from a SHA-1 over the namespace, device, MDC code, observation instant (to the nanosecond) and
 * canonical value. The same event always gets the same id, so replays and device retransmits are
 * idempotent downstream; and ids of measurements observed close in time sort together, so the
 * store's id indexes grow at their right edge instead of dirtying a random page per insert (ADR
 * 0001, addendum 2026-12-02). Derived resources ({@link #derived}) keep name-based version 5 ids.
 */
public final class MeasurementIds {
  /** VitalBridge's namespace UUID for measurement ids; never change it (ids would change). */
  static final UUID NAMESPACE = UUID.fromString("6f1c8a52-3d7e-5b0a-9c41-7e2f0d9b8a13");

  private static final byte[] NAMESPACE_BYTES = toBytes(NAMESPACE);
  private static final ThreadLocal<MessageDigest> SHA1 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-1");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("SHA-1 is required by the Java platform", e);
            }
          });

  private MeasurementIds() {}

  public static UUID of(DeviceId device, MetricCode metric, Instant observedAt, Value value) {
    byte[] hash =
        sha1(
            device.value()
                + '\n'
                + metric.mdc()
                + '\n'
                + observedAt.getEpochSecond()
                + '.'
                + observedAt.getNano()
                + '\n'
                + value.canonicalKey());
    long millis = timePrefix(observedAt);
    long msb = (millis << 16) | 0x8000L | (((hash[0] & 0x0fL) << 8) | (hash[1] & 0xffL));
    long lsb = 0;
    for (int i = 2; i < 10; i++) {
      lsb = (lsb << 8) | (hash[i] & 0xff);
    }
    lsb = (lsb & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(msb, lsb);
  }

  /**
   * A name-based UUID in the same namespace, for resources derived from measurements (a blood
   * pressure panel from its members, a device from its id): the same name always gives the same id.
   */
  public static UUID derived(String name) {
    byte[] hash = sha1(name);
    hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
    hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
    long msb = 0;
    long lsb = 0;
    for (int i = 0; i < 8; i++) {
      msb = (msb << 8) | (hash[i] & 0xff);
      lsb = (lsb << 8) | (hash[i + 8] & 0xff);
    }
    return new UUID(msb, lsb);
  }

  /**
   * Unix milliseconds in 48 bits. A time outside 1970–10889 (a device clock gone wrong) is clamped:
   * the id stays deterministic, it only loses its place in the order.
   */
  private static long timePrefix(Instant t) {
    long max = 0xFFFF_FFFF_FFFFL;
    if (t.getEpochSecond() < 0) {
      return 0L;
    }
    if (t.getEpochSecond() > max / 1000) {
      return max;
    }
    return Math.min(max, t.getEpochSecond() * 1000L + t.getNano() / 1_000_000);
  }

  private static byte[] sha1(String name) {
    MessageDigest sha1 = SHA1.get();
    sha1.reset();
    sha1.update(NAMESPACE_BYTES);
    return sha1.digest(name.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] toBytes(UUID uuid) {
    byte[] b = new byte[16];
    long msb = uuid.getMostSignificantBits();
    long lsb = uuid.getLeastSignificantBits();
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (msb >>> (56 - 8 * i));
      b[i + 8] = (byte) (lsb >>> (56 - 8 * i));
    }
    return b;
  }
}
