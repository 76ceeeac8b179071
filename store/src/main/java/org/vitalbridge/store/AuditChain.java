package org.vitalbridge.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash of an audit row: SHA-256(prev_hash ‖ canonical row), hex. The canonical form lists every
 * column in a fixed order, each as {@code length:value} (or {@code -} for null), so no choice of
 * values can make two different rows serialize alike.
 */
final class AuditChain {
  static final String GENESIS = "0".repeat(64);

  private AuditChain() {}

  static String hash(String prevHash, long seq, long atMicros, AuditEvent e) {
    StringBuilder b = new StringBuilder(256);
    b.append(prevHash).append('\n');
    field(b, Long.toString(seq));
    field(b, Long.toString(atMicros));
    field(b, e.actor());
    field(b, e.role());
    field(b, e.action());
    field(b, e.resource());
    field(b, e.patient());
    field(b, e.source());
    field(b, e.outcome());
    field(b, e.detail());
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(b.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e1) {
      throw new IllegalStateException("every JVM has SHA-256", e1);
    }
  }

  private static void field(StringBuilder b, String value) {
    if (value == null) {
      b.append('-');
    } else {
      b.append(value.length()).append(':').append(value);
    }
    b.append('|');
  }
}
