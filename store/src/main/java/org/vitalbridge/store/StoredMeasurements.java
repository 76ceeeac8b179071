package org.vitalbridge.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/** Maps a row of {@link MeasurementQueries#COLUMNS} to a {@link StoredMeasurement}. */
final class StoredMeasurements {
  private StoredMeasurements() {}

  /** Reads the measurement columns starting at column {@code first}. */
  static StoredMeasurement at(ResultSet rs, int first) throws SQLException {
    int i = first;
    return new StoredMeasurement(
        UUID.fromString(rs.getString(i)),
        rs.getString(i + 1),
        rs.getString(i + 2),
        rs.getString(i + 3),
        rs.getInt(i + 4),
        rs.getString(i + 5),
        rs.getString(i + 6),
        rs.getString(i + 7),
        rs.getString(i + 8),
        rs.getString(i + 9),
        rs.getString(i + 10),
        Times.instant(rs.getLong(i + 11)),
        Times.instant(rs.getLong(i + 12)),
        rs.getString(i + 13),
        rs.getString(i + 14),
        rs.getString(i + 15),
        rs.getString(i + 16),
        rs.getString(i + 17),
        rs.getString(i + 18));
  }
}
