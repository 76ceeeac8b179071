package org.vitalbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Measurements no patient could be attributed to, kept visible: those held back from every
 * destination (policy {@code hold}, until an association names their patient) and how many were
 * dropped (policy {@code drop}).
 */
public final class Unassociated {
  /** Stored without a patient and queued nowhere. */
  private static final String HELD =
      " FROM measurement m WHERE m.subject IS NULL AND NOT EXISTS (SELECT 1 FROM outbox o WHERE"
          + " o.raw_seq = m.raw_seq AND o.measurement_id = m.id)";

  private final Database db;
  private final UnassociatedPolicy policy;
  private final LongSupplier dropped;

  Unassociated(Database db, UnassociatedPolicy policy, LongSupplier dropped) {
    this.db = db;
    this.policy = policy;
    this.dropped = dropped;
  }

  public UnassociatedPolicy policy() {
    return policy;
  }

  /** Held measurements, oldest observation first. */
  public List<StoredMeasurement> held(int limit) {
    String columns = "m." + MeasurementQueries.COLUMNS.replace(", ", ", m.");
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT " + columns + HELD + " ORDER BY m.observed_at, m.id LIMIT ?")) {
      ps.setInt(1, limit);
      return MeasurementQueries.read(ps);
    } catch (SQLException e) {
      throw new StoreException("held measurement query failed: " + e.getMessage(), e);
    }
  }

  public long heldCount() {
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement("SELECT COUNT(*)" + HELD);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new StoreException("held measurement count failed: " + e.getMessage(), e);
    }
  }

  /** Measurements dropped for want of a patient since the store was opened. */
  public long dropped() {
    return dropped.getAsLong();
  }
}
