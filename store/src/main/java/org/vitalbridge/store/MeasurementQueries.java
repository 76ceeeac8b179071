package org.vitalbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Longitudinal reads: measurements by patient / device / metric / time, and bucketed trends. */
public final class MeasurementQueries {
  static final String COLUMNS =
      "id, device, subject, location, mdc, refid, loinc, display, value_kind, value_text, unit,"
          + " observed_at, received_at, status, flags, raw_id, mapping, containment, value_display";

  private final Database db;

  MeasurementQueries(Database db) {
    this.db = db;
  }

  public List<StoredMeasurement> find(MeasurementQuery q) {
    String sql =
        "SELECT "
            + COLUMNS
            + " FROM measurement WHERE "
            + where()
            + " ORDER BY observed_at, id LIMIT ?";
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      int i = bind(ps, q);
      ps.setInt(i, q.limit());
      return read(ps);
    } catch (SQLException e) {
      throw new StoreException("measurement query failed: " + e.getMessage(), e);
    }
  }

  public Optional<StoredMeasurement> byId(UUID id) {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement("SELECT " + COLUMNS + " FROM measurement WHERE id = ?")) {
      ps.setString(1, id.toString());
      return read(ps).stream().findFirst();
    } catch (SQLException e) {
      throw new StoreException("measurement lookup failed: " + e.getMessage(), e);
    }
  }

  /** Every change of the measurement's patient, oldest first. */
  public List<AttributionChange> attributionHistory(UUID id) {
    return history(
        "SELECT previous_subject, subject, changed_at, cause FROM attribution_history"
            + " WHERE measurement_id = ? ORDER BY seq",
        id,
        "attribution",
        AttributionChange::new);
  }

  /**
   * Every change of the measurement's status, oldest first: a later message of its device (a final
   * result after a preliminary one, a correction, a retraction) or a re-attribution (amended).
   */
  public List<StatusChange> statusHistory(UUID id) {
    return history(
        "SELECT previous_status, status, changed_at, cause FROM status_history"
            + " WHERE measurement_id = ? ORDER BY seq",
        id,
        "status",
        StatusChange::new);
  }

  /** One row of a history table: what it was, what it became, when and why. */
  private interface HistoryRow<T> {
    T of(UUID id, String previous, String current, Instant changedAt, String cause);
  }

  private <T> List<T> history(String sql, UUID id, String what, HistoryRow<T> row) {
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, id.toString());
      List<T> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              row.of(
                  id,
                  rs.getString(1),
                  rs.getString(2),
                  Times.instant(rs.getLong(3)),
                  rs.getString(4)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException(what + " history query failed: " + e.getMessage(), e);
    }
  }

  /** avg/min/max/count per {@code bucket} interval (aligned to the epoch), numeric values only. */
  public List<TrendBucket> trend(MeasurementQuery q, Duration bucket) {
    long width = bucket.toNanos() / 1000;
    if (width <= 0) {
      throw new IllegalArgumentException("bucket must be at least one microsecond");
    }
    String b = "(observed_at - (observed_at % " + width + "))";
    String sql =
        "SELECT "
            + b
            + " AS bucket, COUNT(*), AVG(value_num), MIN(value_num), MAX(value_num)"
            + " FROM measurement WHERE "
            + where()
            + " AND value_num IS NOT NULL"
            + " GROUP BY "
            + b
            + " ORDER BY bucket LIMIT ?";
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      int i = bind(ps, q);
      ps.setInt(i, q.limit());
      List<TrendBucket> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new TrendBucket(
                  Times.instant(rs.getLong(1)),
                  rs.getLong(2),
                  rs.getDouble(3),
                  rs.getDouble(4),
                  rs.getDouble(5)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("trend query failed: " + e.getMessage(), e);
    }
  }

  /** Measurements received at or after {@code since}, per adapter (rates for the console). */
  public java.util.Map<String, Long> receivedPerAdapter(Instant since) {
    return receivedPer("COALESCE(adapter, '')", since);
  }

  /** Measurements received at or after {@code since}, per device. */
  public java.util.Map<String, Long> receivedPerDevice(Instant since) {
    return receivedPer("device", since);
  }

  private java.util.Map<String, Long> receivedPer(String column, Instant since) {
    String sql =
        "SELECT "
            + column
            + ", COUNT(*) FROM measurement WHERE received_at >= ? GROUP BY "
            + column
            + " ORDER BY 1";
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, Times.micros(since));
      java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getLong(2));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("rate query failed: " + e.getMessage(), e);
    }
  }

  public long count() {
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM measurement");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new StoreException("count failed: " + e.getMessage(), e);
    }
  }

  private static String where() {
    return "(CAST(? AS TEXT) IS NULL OR subject = ?) AND (CAST(? AS TEXT) IS NULL OR device = ?)"
        + " AND (CAST(? AS INTEGER) IS NULL OR mdc = ?)"
        + " AND observed_at >= ? AND observed_at < ?";
  }

  private static int bind(PreparedStatement ps, MeasurementQuery q) throws SQLException {
    ps.setObject(1, q.subject(), java.sql.Types.VARCHAR);
    ps.setObject(2, q.subject(), java.sql.Types.VARCHAR);
    ps.setObject(3, q.device(), java.sql.Types.VARCHAR);
    ps.setObject(4, q.device(), java.sql.Types.VARCHAR);
    ps.setObject(5, q.mdc(), java.sql.Types.INTEGER);
    ps.setObject(6, q.mdc(), java.sql.Types.INTEGER);
    ps.setLong(7, Times.micros(q.from()));
    ps.setLong(8, Times.micros(q.to()));
    return 9;
  }

  static List<StoredMeasurement> read(PreparedStatement ps) throws SQLException {
    List<StoredMeasurement> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(StoredMeasurements.at(rs, 1));
      }
    }
    return out;
  }
}
