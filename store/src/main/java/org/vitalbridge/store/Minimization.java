package org.vitalbridge.store;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.vitalbridge.core.model.DeviceId;
import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.core.model.Provenance;

/**
 * What one destination may see of a measurement: an allow-list of the identifying fields ({@code
 * subject}, {@code device}, {@code location}, {@code containment}, {@code provenance}; the clinical
 * content — metric, value, time, status — always goes) and, for analytics destinations, pseudonyms
 * instead of patient ids: a keyed HMAC-SHA256, base64url, so one patient is always the same
 * pseudonym at that destination while the id cannot be recovered without the key. A device left off
 * the list is pseudonymized the same way (a measurement needs one). VitalBridge carries patient
 * identifiers only, never names or birth dates, so nothing else needs generalizing.
 */
public final class Minimization implements UnaryOperator<Measurement> {
  public static final Set<String> FIELDS =
      Set.of("subject", "device", "location", "containment", "provenance");

  /** Everything, as it is. */
  public static final Minimization NONE = new Minimization(FIELDS, null);

  private final Set<String> allowed;
  private final SecretKeySpec key;

  /**
   * @param allowed the fields sent; null or empty: all of them
   * @param pseudonymKey the HMAC key; non-null turns pseudonymization of the subject on
   */
  public Minimization(Set<String> allowed, byte[] pseudonymKey) {
    Set<String> a = allowed == null || allowed.isEmpty() ? FIELDS : Set.copyOf(allowed);
    for (String f : a) {
      if (!FIELDS.contains(f.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(
            "unknown field '" + f + "'; allowed are " + String.join(", ", FIELDS));
      }
    }
    if (pseudonymKey != null && pseudonymKey.length < 16) {
      throw new IllegalArgumentException("the pseudonym key must be at least 16 bytes");
    }
    this.allowed = a;
    this.key = pseudonymKey == null ? null : new SecretKeySpec(pseudonymKey, "HmacSHA256");
  }

  public boolean pseudonymizes() {
    return key != null;
  }

  @Override
  public Measurement apply(Measurement m) {
    if (this == NONE) {
      return m;
    }
    String subject =
        !allowed.contains("subject") || m.subject() == null
            ? null
            : key == null ? m.subject() : pseudonym("patient", m.subject());
    DeviceId device =
        allowed.contains("device")
            ? m.device()
            : DeviceId.of(
                key == null
                    ? "device-" + pseudonymWithoutKey(m.device().value())
                    : pseudonym("device", m.device().value()));
    return new Measurement(
        m.id(),
        device,
        subject,
        allowed.contains("location") ? m.location() : null,
        m.metric(),
        m.value(),
        m.observedAt(),
        m.receivedAt(),
        m.status(),
        m.flags(),
        allowed.contains("provenance") ? m.provenance() : Provenance.NONE,
        allowed.contains("containment") ? m.containment() : null);
  }

  /** The pseudonym of an identifier of a kind ({@code patient}, {@code device}). */
  public String pseudonym(String kind, String identifier) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      byte[] h = mac.doFinal((kind + "\n" + identifier).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(h);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is always available", e);
    }
  }

  /** Without a key a dropped device still needs an id: a hash, stable but not secret. */
  private static String pseudonymWithoutKey(String identifier) {
    try {
      byte[] h =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(identifier.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(h).substring(0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
