package org.vitalbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.vitalbridge.core.model.RawMessage;

/** Reads journaled raw messages. */
final class RawMessages {
  static final String COLUMNS =
      "seq, id, received_at, adapter, content_type, source, device_identity, payload, state";

  private RawMessages() {}

  static List<StoredRaw> read(PreparedStatement ps) throws SQLException {
    List<StoredRaw> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(
            new StoredRaw(
                rs.getLong(1),
                new RawMessage(
                    rs.getString(2),
                    rs.getBytes(8),
                    rs.getString(5),
                    rs.getString(4),
                    rs.getString(6),
                    rs.getString(7),
                    Times.instant(rs.getLong(3))),
                rs.getString(9)));
      }
    }
    return out;
  }

  static List<StoredRaw> after(Connection c, long seq, int limit) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT " + COLUMNS + " FROM raw_message WHERE seq > ? ORDER BY seq LIMIT ?")) {
      ps.setLong(1, seq);
      ps.setInt(2, limit);
      return read(ps);
    }
  }
}
