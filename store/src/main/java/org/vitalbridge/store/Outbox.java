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
  private final Consents consents;

  Outbox(Database db, Clock clock, Consents consents) {
    this.db = db;
    this.clock = clock;
    this.consents = consents;
  }

  /**
   * The next entries due for {@code destination}, in journal order. Delivery is head-of-line: while
   * the oldest undelivered entry waits out its backoff nothing behind it is due, so a destination
   * receives everything in order (dead-lettered entries step aside). A paused destination has
   * nothing due. For a destination that requires consent, entries of patients whose consent does
   * not cover the observation are set aside here as {@code withheld} and never handed out: the gate
   * holds for every connector alike (FHIR, HL7 v2).
   */
  public List<OutboxEntry> due(String destination, int limit) {
    String sql =
        "SELECT o.seq, o.attempts, o.next_attempt_at, o.revision, o.delivered_subject, "
            + prefixed()
            + " FROM outbox o JOIN measurement m ON m.id = o.measurement_id WHERE o.destination = ?"
            + " AND o.state IN ('pending', 'failed') ORDER BY o.seq LIMIT ?";
    long now = Times.micros(clock.instant());
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      if (pausedAt(c, destination) != null) {
        return List.of();
      }
      ps.setString(1, destination);
      ps.setInt(2, limit);
      List<OutboxEntry> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next() && rs.getLong(3) <= now) {
          out.add(
              new OutboxEntry(
                  rs.getLong(1),
                  destination,
                  StoredMeasurements.at(rs, 6),
                  rs.getInt(2),
                  rs.getInt(4),
                  rs.getString(5)));
        }
      }
      return consents.gates(destination) ? consented(c, out) : out;
    } catch (SQLException e) {
      throw new StoreException("outbox read failed: " + e.getMessage(), e);
    }
  }

  /**
   * The other measurements stored from the same raw message for the same device and observation
   * time as {@code entry}'s: what a destination that combines readings into one resource (a
   * blood-pressure panel) sends again with a changed member, so that resource is rebuilt whole
   * instead of the member going out alone.
   */
  public List<StoredMeasurement> companions(OutboxEntry entry) {
    StoredMeasurement m = entry.measurement();
    if (m.rawId() == null) {
      return List.of();
    }
    String sql =
        "SELECT "
            + MeasurementQueries.COLUMNS
            + " FROM measurement WHERE raw_id = ? AND device = ? AND observed_at = ? AND id <> ?"
            + " ORDER BY mdc";
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, m.rawId());
      ps.setString(2, m.device());
      ps.setLong(3, Times.micros(m.observedAt()));
      ps.setString(4, m.id().toString());
      List<StoredMeasurement> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(StoredMeasurements.at(rs, 1));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("outbox read failed: " + e.getMessage(), e);
    }
  }

  /** The entries whose patient consents; the others are marked withheld. */
  private List<OutboxEntry> consented(Connection c, List<OutboxEntry> entries) throws SQLException {
    List<OutboxEntry> permitted = new ArrayList<>(entries.size());
    List<OutboxEntry> withheld = new ArrayList<>();
    for (OutboxEntry e : entries) {
      StoredMeasurement m = e.measurement();
      // A retraction of what the destination already holds is not new data: it goes through.
      boolean permit =
          e.withdrawnFrom() != null || Consents.permits(c, m.subject(), m.observedAt());
      (permit ? permitted : withheld).add(e);
    }
    if (!withheld.isEmpty()) {
      update(
          "UPDATE outbox SET state = 'withheld' WHERE seq = ? AND revision = ? AND state IN"
              + " ('pending', 'failed')",
          withheld);
    }
    return permitted;
  }

  /** When the head of the destination's queue is next due, or empty when nothing waits. */
  public java.util.Optional<java.time.Instant> nextAttempt(String destination) {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT next_attempt_at FROM outbox WHERE destination = ? AND state IN ('pending',"
                    + " 'failed') ORDER BY seq LIMIT 1")) {
      ps.setString(1, destination);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? java.util.Optional.of(Times.instant(rs.getLong(1)))
            : java.util.Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException("outbox read failed: " + e.getMessage(), e);
    }
  }

  /**
   * Marks entries delivered. An entry queued again since it was read (its measurement changed while
   * the destination was sending it) stays queued: the destination has not had that version yet. The
   * same holds for {@link #failed}, {@link #retryAfter} and {@link #deadLetter}.
   */
  public void delivered(List<OutboxEntry> entries) {
    update(
        "UPDATE outbox SET state = 'delivered', delivered_at = ?, last_error = NULL,"
            + " delivered_subject = (SELECT m.subject FROM measurement m WHERE m.id ="
            + " outbox.measurement_id) WHERE seq = ? AND revision = ?",
        entries,
        Times.micros(clock.instant()));
  }

  /**
   * Schedules a retry of the whole batch at one time (they stay in order): backoff doubles per
   * attempt from one second, capped at five minutes, with jitter.
   */
  public void failed(List<OutboxEntry> entries, String error) {
    int attempts = entries.stream().mapToInt(OutboxEntry::attempts).max().orElse(0);
    long backoffMillis = Math.min(MAX_BACKOFF.toMillis(), 1000L << Math.min(20, attempts));
    long jittered = ThreadLocalRandom.current().nextLong(backoffMillis / 2, backoffMillis + 1);
    retryAt(entries, error, clock.instant().plusMillis(jittered));
  }

  /** Schedules a retry at a time the destination asked for (HTTP 429/503 Retry-After). */
  public void retryAfter(List<OutboxEntry> entries, String error, Duration wait) {
    retryAt(entries, error, clock.instant().plus(wait));
  }

  private void retryAt(List<OutboxEntry> entries, String error, java.time.Instant at) {
    update(
        "UPDATE outbox SET state = 'failed', attempts = attempts + 1, next_attempt_at = ?,"
            + " last_error = ? WHERE seq = ? AND revision = ?",
        entries,
        Times.micros(at),
        error);
  }

  /**
   * Parks entries the destination refused for good (e.g. a 4xx with an OperationOutcome): they
   * leave the queue so the rest can flow, stay visible with the reason, and can be replayed.
   */
  public void deadLetter(List<OutboxEntry> entries, String reason) {
    update(
        "UPDATE outbox SET state = 'dead', attempts = attempts + 1, last_error = ? WHERE seq = ?"
            + " AND revision = ?",
        entries,
        reason);
  }

  /** Dead-lettered entries of a destination with their reasons, oldest first. */
  public List<DeadLetter> deadLetters(String destination, int limit) {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT seq, measurement_id, last_error FROM outbox WHERE destination = ? AND state ="
                    + " 'dead' ORDER BY seq LIMIT ?")) {
      ps.setString(1, destination);
      ps.setInt(2, limit);
      List<DeadLetter> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new DeadLetter(
                  rs.getLong(1), java.util.UUID.fromString(rs.getString(2)), rs.getString(3)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("outbox read failed: " + e.getMessage(), e);
    }
  }

  /** Puts a destination's dead letters back in the queue (after the cause was fixed). */
  public int replayDeadLetters(String destination) {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE outbox SET state = 'pending', next_attempt_at = 0 WHERE destination = ? AND"
                    + " state = 'dead'")) {
      ps.setString(1, destination);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("outbox update failed: " + e.getMessage(), e);
    }
  }

  /**
   * Pauses a destination: nothing is due for it until {@link #resume}, while new measurements keep
   * queueing. Returns false when it was paused already (the first pause and its reason stay).
   */
  public boolean pause(String destination, String reason) {
    String sql =
        "INSERT INTO destination_pause (destination, paused_at, reason) VALUES (?, ?, ?)"
            + " ON CONFLICT (destination) DO NOTHING";
    return write(
            sql,
            ps -> {
              ps.setString(1, destination);
              ps.setLong(2, Times.micros(clock.instant()));
              ps.setString(3, reason);
            })
        > 0;
  }

  /** Resumes a paused destination; returns false when it was not paused. */
  public boolean resume(String destination) {
    return write(
            "DELETE FROM destination_pause WHERE destination = ?",
            ps -> ps.setString(1, destination))
        > 0;
  }

  /** Destinations with an outbox row or a pause, sorted by name. */
  public List<String> destinations() {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT destination FROM outbox GROUP BY destination UNION SELECT destination"
                    + " FROM destination_pause ORDER BY 1")) {
      List<String> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("outbox read failed: " + e.getMessage(), e);
    }
  }

  /** Backlog, failures, dead letters, last error and last delivery of {@code destination}. */
  public DestinationStatus status(String destination) {
    String counts =
        "SELECT COALESCE(SUM(CASE WHEN state IN ('pending', 'failed') THEN 1 ELSE 0 END), 0),"
            + " COALESCE(SUM(CASE WHEN state = 'failed' THEN 1 ELSE 0 END), 0),"
            + " COALESCE(SUM(CASE WHEN state = 'dead' THEN 1 ELSE 0 END), 0),"
            + " COALESCE(SUM(CASE WHEN state = 'delivered' THEN 1 ELSE 0 END), 0),"
            + " MAX(delivered_at),"
            + " COALESCE(SUM(CASE WHEN state = 'withheld' THEN 1 ELSE 0 END), 0)"
            + " FROM outbox WHERE destination = ?";
    String lastError =
        "SELECT last_error FROM outbox WHERE destination = ? AND last_error IS NOT NULL"
            + " ORDER BY seq DESC LIMIT 1";
    try (Connection c = db.connection()) {
      long[] n = new long[4];
      long withheld;
      Long delivered;
      try (PreparedStatement ps = c.prepareStatement(counts)) {
        ps.setString(1, destination);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          for (int i = 0; i < 4; i++) {
            n[i] = rs.getLong(i + 1);
          }
          long d = rs.getLong(5);
          delivered = rs.wasNull() ? null : d;
          withheld = rs.getLong(6);
        }
      }
      String error = null;
      try (PreparedStatement ps = c.prepareStatement(lastError)) {
        ps.setString(1, destination);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            error = rs.getString(1);
          }
        }
      }
      Pause pause = pausedAt(c, destination);
      return new DestinationStatus(
          destination,
          n[0],
          n[1],
          n[2],
          n[3],
          error,
          delivered == null ? null : Times.instant(delivered),
          pause == null ? null : pause.at(),
          pause == null ? null : pause.reason(),
          withheld);
    } catch (SQLException e) {
      throw new StoreException("outbox read failed: " + e.getMessage(), e);
    }
  }

  private record Pause(java.time.Instant at, String reason) {}

  private static Pause pausedAt(Connection c, String destination) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT paused_at, reason FROM destination_pause WHERE destination = ?")) {
      ps.setString(1, destination);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new Pause(Times.instant(rs.getLong(1)), rs.getString(2)) : null;
      }
    }
  }

  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  private int write(String sql, Binder binder) {
    try (Connection c = db.connection()) {
      return db.write(
          () -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
              binder.bind(ps);
              return ps.executeUpdate();
            }
          });
    } catch (SQLException e) {
      throw new StoreException("outbox update failed: " + e.getMessage(), e);
    }
  }

  /** One entry a destination refused for good. */
  public record DeadLetter(long seq, java.util.UUID measurementId, String reason) {}

  /** Entries waiting for delivery to {@code destination} (dead letters are not waiting). */
  public long backlog(String destination) {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT COUNT(*) FROM outbox WHERE destination = ? AND state IN ('pending', 'failed')")) {
      ps.setString(1, destination);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new StoreException("outbox count failed: " + e.getMessage(), e);
    }
  }

  /**
   * Runs {@code sql} for each entry: {@code values} bound first, the entry's seq and revision last.
   */
  private void update(String sql, List<OutboxEntry> entries, Object... values) {
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (OutboxEntry e : entries) {
        for (int i = 0; i < values.length; i++) {
          ps.setObject(i + 1, values[i]);
        }
        ps.setLong(values.length + 1, e.seq());
        ps.setInt(values.length + 2, e.revision());
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
