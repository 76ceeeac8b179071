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
 * Deterministic measurement ids: a name-based UUID (RFC 9562 version 5, SHA-1) over device, MDC
 * code, observation instant and canonical value. The same event always gets the same id, so replays
 * and device retransmits are idempotent downstream.
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
    return derived(
        device.value()
            + '\n'
            + metric.mdc()
            + '\n'
            + observedAt.getEpochSecond()
            + '.'
            + observedAt.getNano()
            + '\n'
            + value.canonicalKey());
  }

  /**
   * A name-based UUID in the same namespace, for resources derived from measurements (a blood
   * pressure panel from its members, a device from its id): the same name always gives the same id.
   */
  public static UUID derived(String name) {
    MessageDigest sha1 = SHA1.get();
    sha1.reset();
    sha1.update(NAMESPACE_BYTES);
    byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
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
