package org.vitalbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Rejected messages: what was rejected, why, and the raw bytes as received. */
public final class Quarantine {
  private final Database db;

  Quarantine(Database db) {
    this.db = db;
  }

  /** Unresolved rejections, oldest first. */
  public List<QuarantineEntry> open(int limit) {
    return query(
        "SELECT seq, raw_seq, raw_id, stage, reason, field, detail, created_at, resolved_at FROM"
            + " quarantine WHERE resolved_at IS NULL ORDER BY seq LIMIT ?",
        limit);
  }

  public long openCount() {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement("SELECT COUNT(*) FROM quarantine WHERE resolved_at IS NULL");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new StoreException("quarantine count failed: " + e.getMessage(), e);
    }
  }

  /** The raw message a rejection points at, exactly as received. */
  public Optional<StoredRaw> raw(long rawSeq) {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT " + RawMessages.COLUMNS + " FROM raw_message WHERE seq = ?")) {
      ps.setLong(1, rawSeq);
      return RawMessages.read(ps).stream().findFirst();
    } catch (SQLException e) {
      throw new StoreException("raw message lookup failed: " + e.getMessage(), e);
    }
  }

  private List<QuarantineEntry> query(String sql, int limit) {
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setInt(1, limit);
      List<QuarantineEntry> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long resolved = rs.getLong(9);
          boolean open = rs.wasNull();
          out.add(
              new QuarantineEntry(
                  rs.getLong(1),
                  rs.getLong(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getString(6),
                  rs.getString(7),
                  Times.instant(rs.getLong(8)),
                  open ? null : Times.instant(resolved)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("quarantine query failed: " + e.getMessage(), e);
    }
  }
}
