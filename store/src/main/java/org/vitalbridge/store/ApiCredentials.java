package org.vitalbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * API tokens this installation issued ({@code auth.mode: local}), as salted hashes: the token
 * itself is never stored (the security module issues and checks them).
 */
public final class ApiCredentials {
  /**
   * One credential row.
   *
   * @param expiresAt when it stops being accepted; {@code null} for never
   */
  public record Row(
      String id, String subject, String role, String salt, String hash, Instant expiresAt) {
    /** A credential that does not expire. */
    public Row(String id, String subject, String role, String salt, String hash) {
      this(id, subject, role, salt, hash, null);
    }

    @Override
    public String toString() {
      return "ApiCredentials.Row[" + id + ", " + subject + ", " + role + "]";
    }
  }

  private final Database db;
  private final Clock clock;

  ApiCredentials(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  public void add(Row row) {
    try (Connection c = db.connection()) {
      db.write(
          () -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO api_credential (id, subject, role, salt, hash, created_at,"
                        + " expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
              ps.setString(1, row.id());
              ps.setString(2, row.subject());
              ps.setString(3, row.role());
              ps.setString(4, row.salt());
              ps.setString(5, row.hash());
              ps.setLong(6, Times.micros(clock.instant()));
              if (row.expiresAt() == null) {
                ps.setNull(7, java.sql.Types.BIGINT);
              } else {
                ps.setLong(7, Times.micros(row.expiresAt()));
              }
              return ps.executeUpdate();
            }
          });
    } catch (SQLException e) {
      throw new StoreException("cannot store the API credential: " + e.getMessage(), e);
    }
  }

  /** The credential of this id unless revoked or expired. */
  public Optional<Row> find(String id) {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT id, subject, role, salt, hash, expires_at FROM api_credential"
                    + " WHERE id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at"
                    + " > ?)")) {
      ps.setString(1, id);
      ps.setLong(2, Times.micros(clock.instant()));
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        long expires = rs.getLong(6);
        Instant expiresAt = rs.wasNull() ? null : Times.instant(expires);
        return Optional.of(
            new Row(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                expiresAt));
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read API credentials: " + e.getMessage(), e);
    }
  }

  /** Whether any credential of this role was ever issued (revoked ones count: no re-bootstrap). */
  public boolean anyIssued(String role) {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement("SELECT 1 FROM api_credential WHERE role = ? LIMIT 1")) {
      ps.setString(1, role);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read API credentials: " + e.getMessage(), e);
    }
  }

  /** Revokes a credential; returns whether one was active. */
  public boolean revoke(String id) {
    try (Connection c = db.connection()) {
      return db.write(
          () -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "UPDATE api_credential SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
              ps.setLong(1, Times.micros(clock.instant()));
              ps.setString(2, id);
              return ps.executeUpdate() == 1;
            }
          });
    } catch (SQLException e) {
      throw new StoreException("cannot revoke the API credential: " + e.getMessage(), e);
    }
  }
}
