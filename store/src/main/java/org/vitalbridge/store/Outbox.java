package org.vitalbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Per-destination delivery queues. Connectors take the next due entries in order, deliver them, and
 * mark them delivered or failed; a failure schedules a retry with exponential backoff and jitter,
 * so a destination that is down for hours builds a backlog that drains in order later.
 */
public final class Outbox {
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

  private final Database db;
  private final Clock clock;

  Outbox(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** The next entries due for {@code destination}, in journal order. */
  public List<OutboxEntry> due(String destination, int limit) {
    String sql =
        "SELECT o.seq, o.attempts, "
            + prefixed()
            + " FROM outbox o JOIN measurement m ON m.id = o.measurement_id WHERE o.destination = ?"
            + " AND o.state <> 'delivered' AND o.next_attempt_at <= ? ORDER BY o.seq LIMIT ?";
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, destination);
      ps.setLong(2, Times.micros(clock.instant()));
      ps.setInt(3, limit);
      List<OutboxEntry> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new OutboxEntry(
                  rs.getLong(1), destination, StoredMeasurements.at(rs, 3), rs.getInt(2)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("outbox read failed: " + e.getMessage(), e);
    }
  }

  public void delivered(List<OutboxEntry> entries) {
    update(
        "UPDATE outbox SET state = 'delivered', delivered_at = ?, last_error = NULL WHERE seq = ?",
        entries,
        e -> Times.micros(clock.instant()));
  }

  /** Schedules a retry: backoff doubles per attempt from one second, capped, with full jitter. */
  public void failed(List<OutboxEntry> entries, String error) {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE outbox SET state = 'failed', attempts = attempts + 1, next_attempt_at = ?,"
                    + " last_error = ? WHERE seq = ?")) {
      for (OutboxEntry e : entries) {
        long backoffMillis = Math.min(MAX_BACKOFF.toMillis(), 1000L << Math.min(20, e.attempts()));
        long jittered = ThreadLocalRandom.current().nextLong(backoffMillis / 2, backoffMillis + 1);
        ps.setLong(1, Times.micros(clock.instant().plusMillis(jittered)));
        ps.setString(2, error);
        ps.setLong(3, e.seq());
        ps.addBatch();
      }
      ps.executeBatch();
    } catch (SQLException ex) {
      throw new StoreException("outbox update failed: " + ex.getMessage(), ex);
    }
  }

  /** Entries not yet delivered to {@code destination}. */
  public long backlog(String destination) {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT COUNT(*) FROM outbox WHERE destination = ? AND state <> 'delivered'")) {
      ps.setString(1, destination);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new StoreException("outbox count failed: " + e.getMessage(), e);
    }
  }

  private void update(
      String sql, List<OutboxEntry> entries, java.util.function.ToLongFunction<OutboxEntry> first) {
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (OutboxEntry e : entries) {
        ps.setLong(1, first.applyAsLong(e));
        ps.setLong(2, e.seq());
        ps.addBatch();
      }
      ps.executeBatch();
    } catch (SQLException e) {
      throw new StoreException("outbox update failed: " + e.getMessage(), e);
    }
  }

  private static String prefixed() {
    StringBuilder b = new StringBuilder();
    for (String col : MeasurementQueries.COLUMNS.split(",\\s*")) {
      if (b.length() > 0) {
        b.append(", ");
      }
      b.append("m.").append(col);
    }
    return b.toString();
  }
}
