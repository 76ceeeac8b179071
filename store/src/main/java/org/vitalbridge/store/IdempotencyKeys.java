package org.vitalbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * First answers to requests that carried an {@code Idempotency-Key}: a retry gets the same answer
 * and stores nothing twice. Keys live {@link #TTL}; retention purges older ones.
 */
public final class IdempotencyKeys {
  public static final Duration TTL = Duration.ofHours(24);

  /**
   * @param fingerprint what the request was (e.g. a hash of path and body): the same key with a
   *     different request is the client's error, not a retry
   */
  public record Answer(
      String fingerprint, int status, String contentType, byte[] body, Instant createdAt) {
    public Answer {
      body = body.clone();
    }

    @Override
    public byte[] body() {
      return body.clone();
    }
  }

  private final Database db;
  private final Clock clock;

  IdempotencyKeys(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** The answer saved for {@code key} within the last {@link #TTL}. */
  public Optional<Answer> find(String key) {
    long since = Times.micros(clock.instant().minus(TTL));
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT fingerprint, status, content_type, body, created_at FROM idempotency_key"
                    + " WHERE key = ? AND created_at >= ?")) {
      ps.setString(1, key);
      ps.setLong(2, since);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new Answer(
                rs.getString(1),
                rs.getInt(2),
                rs.getString(3),
                rs.getBytes(4),
                Times.instant(rs.getLong(5))));
      }
    } catch (SQLException e) {
      throw new StoreException("idempotency key lookup failed: " + e.getMessage(), e);
    }
  }

  /**
   * Saves the first answer to {@code key}; {@code false} when one was saved already (a concurrent
   * retry won: {@link #find} it and answer that). An expired key is replaced.
   */
  public boolean save(String key, String fingerprint, int status, String contentType, byte[] body) {
    Instant now = clock.instant();
    try (Connection c = db.connection()) {
      return db.write(
          () ->
              Transactions.inTransaction(
                  c,
                  () -> {
                    try (PreparedStatement expired =
                        c.prepareStatement(
                            "DELETE FROM idempotency_key WHERE key = ? AND created_at < ?")) {
                      expired.setString(1, key);
                      expired.setLong(2, Times.micros(now.minus(TTL)));
                      expired.executeUpdate();
                    }
                    try (PreparedStatement ps =
                        c.prepareStatement(
                            "INSERT INTO idempotency_key (key, fingerprint, status, content_type,"
                                + " body, created_at) VALUES (?, ?, ?, ?, ?, ?)"
                                + " ON CONFLICT (key) DO NOTHING")) {
                      ps.setString(1, key);
                      ps.setString(2, fingerprint);
                      ps.setInt(3, status);
                      ps.setString(4, contentType);
                      ps.setBytes(5, body);
                      ps.setLong(6, Times.micros(now));
                      return ps.executeUpdate() == 1;
                    }
                  }));
    } catch (SQLException e) {
      throw new StoreException("idempotency key write failed: " + e.getMessage(), e);
    }
  }

  /** Deletes answers older than {@link #TTL}; returns how many. */
  long purgeExpired(Connection c) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM idempotency_key WHERE created_at < ?")) {
      ps.setLong(1, Times.micros(clock.instant().minus(TTL)));
      return db.write(ps::executeUpdate);
    }
  }
}
