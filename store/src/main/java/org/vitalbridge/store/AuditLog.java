package org.vitalbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;

/** Append-only audit trail (who did what to which resource, with what outcome). */
public final class AuditLog {
  private final Database db;
  private final Clock clock;

  AuditLog(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  public void record(String actor, String action, String resource, String outcome, String detail) {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO audit (at, actor, action, resource, outcome, detail) VALUES (?, ?, ?,"
                    + " ?, ?, ?)")) {
      ps.setLong(1, Times.micros(clock.instant()));
      ps.setString(2, actor);
      ps.setString(3, action);
      ps.setString(4, resource);
      ps.setString(5, outcome);
      ps.setString(6, detail);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("audit write failed: " + e.getMessage(), e);
    }
  }
}
