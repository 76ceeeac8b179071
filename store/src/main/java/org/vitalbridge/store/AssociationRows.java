package org.vitalbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Reads and writes rows of the association table inside the caller's transaction. */
final class AssociationRows {
  private static final String COLUMNS =
      "seq, device, location, subject, encounter, valid_from, valid_to, source, cause, cancelled_at";
  private static final String ORDER = " ORDER BY valid_from, seq";

  private AssociationRows() {}

  /** Every row of a device (or, device null, of a bed), cancelled ones included. */
  static List<Association> of(Connection c, String device, String location) throws SQLException {
    String sql =
        "SELECT "
            + COLUMNS
            + " FROM association WHERE "
            + (device != null ? "device = ?" : "device IS NULL AND location = ?")
            + ORDER;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, device != null ? device : location);
      return read(ps);
    }
  }

  /** Every bed row of a patient, cancelled ones included. */
  static List<Association> bedsOf(Connection c, String subject) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + COLUMNS
                + " FROM association WHERE device IS NULL AND subject = ?"
                + ORDER)) {
      ps.setString(1, subject);
      return read(ps);
    }
  }

  /** Live rows that end exactly at {@code validTo}. */
  static List<Association> endingAt(Connection c, Instant validTo) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + COLUMNS
                + " FROM association WHERE valid_to = ? AND cancelled_at IS NULL"
                + ORDER)) {
      ps.setLong(1, Times.micros(validTo));
      return read(ps);
    }
  }

  static Association bySeq(Connection c, long seq) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + COLUMNS + " FROM association WHERE seq = ?")) {
      ps.setLong(1, seq);
      return read(ps).get(0);
    }
  }

  static void insert(
      Connection c,
      String device,
      String location,
      String subject,
      String encounter,
      Instant from,
      Instant to,
      String source,
      String cause)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO association (device, location, subject, encounter, valid_from, valid_to,"
                + " source, cause) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setObject(1, device, Types.VARCHAR);
      ps.setObject(2, location, Types.VARCHAR);
      ps.setString(3, subject);
      ps.setObject(4, encounter, Types.VARCHAR);
      ps.setLong(5, Times.micros(from));
      setMicros(ps, 6, to);
      ps.setString(7, source);
      ps.setObject(8, cause, Types.VARCHAR);
      ps.executeUpdate();
    }
  }

  static void setValidTo(Connection c, Association a, Instant to, String cause)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE association SET valid_to = ?, cause = ? WHERE seq = ?")) {
      setMicros(ps, 1, to);
      ps.setObject(2, Association.withCause(a.cause(), cause), Types.VARCHAR);
      ps.setLong(3, a.seq());
      ps.executeUpdate();
    }
  }

  static void cancel(Connection c, Association a, Instant at, String cause) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE association SET cancelled_at = ?, cause = ? WHERE seq = ?")) {
      ps.setLong(1, Times.micros(at));
      ps.setObject(2, Association.withCause(a.cause(), cause), Types.VARCHAR);
      ps.setLong(3, a.seq());
      ps.executeUpdate();
    }
  }

  private static void setMicros(PreparedStatement ps, int i, Instant t) throws SQLException {
    if (t == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, Times.micros(t));
    }
  }

  private static List<Association> read(PreparedStatement ps) throws SQLException {
    List<Association> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(
            new Association(
                rs.getLong(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                Times.instant(rs.getLong(6)),
                instantOrNull(rs, 7),
                rs.getString(8),
                rs.getString(9),
                instantOrNull(rs, 10)));
      }
    }
    return out;
  }

  private static Instant instantOrNull(ResultSet rs, int i) throws SQLException {
    long v = rs.getLong(i);
    return rs.wasNull() ? null : Times.instant(v);
  }
}
