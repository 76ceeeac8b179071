package org.vitalbridge.store;

/**
 * The result of {@link AuditLog#verify()}: intact, or the first broken link.
 *
 * @param rows rows checked
 * @param brokenSeq the first seq that is not as appended (0 when intact)
 * @param kind {@code deleted}, {@code edited}, {@code relinked} (reordered, or an earlier row
 *     edited and re-hashed), {@code truncated} (rows at the end deleted) or {@code unchained} (rows
 *     added past the last append); null when intact
 * @param reason one line for the operator
 */
public record AuditVerification(
    boolean intact, long rows, long brokenSeq, String kind, String reason) {
  static AuditVerification ok(long rows) {
    return new AuditVerification(true, rows, 0, null, null);
  }

  static AuditVerification broken(long rows, long seq, String kind, String reason) {
    return new AuditVerification(false, rows, seq, kind, reason);
  }
}
