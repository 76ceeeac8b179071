package org.vitalbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;

/** Purges what every destination has and reports disk use, bounded by age and by size/count. */
public final class Retention {
  /** A raw message may go when processed, not in open quarantine, and delivered everywhere. */
  private static final String PURGEABLE =
      "r.state <> 'pending'"
          + " AND NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.raw_seq = r.seq AND q.resolved_at IS NULL)"
          + " AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.raw_seq = r.seq AND o.state NOT IN ('delivered', 'withheld'))"
          + " AND r.seq <= (SELECT COALESCE(MAX(position), 0) FROM cursor WHERE name = 'pipeline')";

  private final Database db;
  private final Clock clock;
  private final RetentionPolicy policy;
  private final IdempotencyKeys idempotency;

  Retention(Database db, Clock clock, RetentionPolicy policy, IdempotencyKeys idempotency) {
    this.db = db;
    this.clock = clock;
    this.policy = policy;
    this.idempotency = idempotency;
  }

  public PurgeReport purge() {
    long now = Times.micros(clock.instant());
    long rawPurged = 0;
    long measurementsPurged = 0;
    try (Connection c = db.connection()) {
      if (policy.rawMaxAge() != null) {
        long cutoff = now - policy.rawMaxAge().toNanos() / 1000;
        rawPurged += deleteRaw(c, "r.received_at < " + cutoff, Long.MAX_VALUE);
      }
      rawPurged += enforceCaps(c);
      idempotency.purgeExpired(c);
      if (policy.measurementMaxAge() != null) {
        long cutoff = now - policy.measurementMaxAge().toNanos() / 1000;
        measurementsPurged = deleteMeasurements(c, cutoff);
      }
      return new PurgeReport(rawPurged, measurementsPurged, usage(c));
    } catch (SQLException e) {
      throw new StoreException("retention run failed: " + e.getMessage(), e);
    }
  }

  public StoreUsage usage() {
    try (Connection c = db.connection()) {
      return usage(c);
    } catch (SQLException e) {
      throw new StoreException("usage query failed: " + e.getMessage(), e);
    }
  }

  /**
   * Deletes the oldest purgeable raw messages until both caps hold: exactly the excess count, and
   * for bytes the fewest oldest messages whose sizes cover the excess.
   */
  private long enforceCaps(Connection c) throws SQLException {
    long purged = 0;
    StoreUsage u = usage(c);
    if (policy.maxRawCount() > 0 && u.rawCount() > policy.maxRawCount()) {
      purged += deleteRaw(c, "1 = 1", u.rawCount() - policy.maxRawCount());
      u = usage(c);
    }
    if (policy.maxRawBytes() > 0 && u.rawBytes() > policy.maxRawBytes()) {
      long excess = u.rawBytes() - policy.maxRawBytes();
      long through = -1;
      String candidates =
          "SELECT r.seq, r.size FROM raw_message r WHERE " + PURGEABLE + " ORDER BY r.seq";
      try (PreparedStatement ps = c.prepareStatement(candidates);
          ResultSet rs = ps.executeQuery()) {
        long freed = 0;
        while (freed < excess && rs.next()) {
          freed += rs.getLong(2);
          through = rs.getLong(1);
        }
      }
      if (through >= 0) {
        purged += deleteRaw(c, "r.seq <= " + through, Long.MAX_VALUE);
      }
    }
    return purged;
  }

  private long deleteRaw(Connection c, String condition, long limit) throws SQLException {
    String ids =
        "SELECT r.seq FROM raw_message r WHERE "
            + PURGEABLE
            + " AND "
            + condition
            + " ORDER BY r.seq LIMIT "
            + Math.min(limit, Integer.MAX_VALUE);
    return deleteDependentsThenRows(
        c,
        List.of("DELETE FROM quarantine WHERE raw_seq IN (" + ids + ")"),
        "DELETE FROM raw_message WHERE seq IN (" + ids + ")");
  }

  private long deleteMeasurements(Connection c, long cutoff) throws SQLException {
    String old =
        "SELECT m.id FROM measurement m WHERE m.observed_at < "
            + cutoff
            + " AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.measurement_id = m.id AND"
            + " o.state NOT IN ('delivered', 'withheld'))";
    return deleteDependentsThenRows(
        c,
        List.of(
            "DELETE FROM outbox WHERE measurement_id IN (" + old + ")",
            "DELETE FROM attribution_history WHERE measurement_id IN (" + old + ")",
            "DELETE FROM status_history WHERE measurement_id IN (" + old + ")"),
        "DELETE FROM measurement WHERE id IN (" + old + ")");
  }

  /**
   * Deletes the dependent rows, then the rows themselves, in one transaction; returns the latter.
   */
  private static long deleteDependentsThenRows(Connection c, List<String> dependents, String rows)
      throws SQLException {
    return Transactions.inTransaction(
        c,
        () -> {
          for (String dependent : dependents) {
            try (PreparedStatement d = c.prepareStatement(dependent)) {
              d.executeUpdate();
            }
          }
          try (PreparedStatement r = c.prepareStatement(rows)) {
            return (long) r.executeUpdate();
          }
        });
  }

  private boolean overCap(long rawCount, long rawBytes) {
    return (policy.maxRawBytes() > 0 && rawBytes > policy.maxRawBytes())
        || (policy.maxRawCount() > 0 && rawCount > policy.maxRawCount());
  }

  private StoreUsage usage(Connection c) throws SQLException {
    long rawCount = scalar(c, "SELECT COUNT(*) FROM raw_message");
    long rawBytes = scalar(c, "SELECT COALESCE(SUM(size), 0) FROM raw_message");
    long measurements = scalar(c, "SELECT COUNT(*) FROM measurement");
    long quarantined = scalar(c, "SELECT COUNT(*) FROM quarantine WHERE resolved_at IS NULL");
    long pending =
        scalar(c, "SELECT COUNT(*) FROM outbox WHERE state NOT IN ('delivered', 'withheld')");
    return new StoreUsage(
        rawCount,
        rawBytes,
        measurements,
        quarantined,
        pending,
        db.fileBytes(),
        overCap(rawCount, rawBytes));
  }

  private static long scalar(Connection c, String sql) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
