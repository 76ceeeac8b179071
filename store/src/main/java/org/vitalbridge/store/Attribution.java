package org.vitalbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Who a measurement belongs to by association: the patient associated with its device (or, failing
 * that, its bed) at the observation time. Cancelled associations attribute nothing. Associations
 * are read once per device and bed for the life of this object (one transaction).
 */
final class Attribution implements AutoCloseable {
  private static final String ASSOCIATIONS =
      "SELECT device, subject, valid_from, valid_to FROM association WHERE cancelled_at IS NULL"
          + " AND (device = ? OR (device IS NULL AND location = ?))";

  private record Row(String device, String subject, long from, Long to) {
    boolean covers(long at) {
      return from <= at && (to == null || to > at);
    }

    /** A device association beats a bed association; among equals the latest start wins. */
    boolean beats(Row other) {
      if ((device != null) != (other.device != null)) {
        return device != null;
      }
      return from > other.from;
    }
  }

  private final PreparedStatement select;
  private final Map<String, List<Row>> cache = new HashMap<>();

  Attribution(Connection c) throws SQLException {
    this.select = c.prepareStatement(ASSOCIATIONS);
  }

  /** The associated patient at {@code observedAtMicros}, or {@code null}. */
  String subject(String device, String location, long observedAtMicros) throws SQLException {
    Row best = null;
    for (Row a : rows(device, location)) {
      if (a.covers(observedAtMicros) && (best == null || a.beats(best))) {
        best = a;
      }
    }
    return best == null ? null : best.subject();
  }

  private List<Row> rows(String device, String location) throws SQLException {
    String key = device + '\u0000' + location;
    List<Row> rows = cache.get(key);
    if (rows == null) {
      rows = new ArrayList<>();
      select.setString(1, device);
      select.setString(2, location);
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          long to = rs.getLong(4);
          Long validTo = rs.wasNull() ? null : to;
          rows.add(new Row(rs.getString(1), rs.getString(2), rs.getLong(3), validTo));
        }
      }
      cache.put(key, rows);
    }
    return rows;
  }

  @Override
  public void close() throws SQLException {
    select.close();
  }
}
