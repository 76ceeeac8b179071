package org.vitalbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/** Appends {@code status_history} rows (see {@link StatusChange}) in the caller's transaction. */
final class StatusHistory implements AutoCloseable {
  private static final String INSERT =
      "INSERT INTO status_history (measurement_id, previous_status, status, changed_at, cause)"
          + " VALUES (?, ?, ?, ?, ?)";

  private final PreparedStatement statement;
  private int rows;

  StatusHistory(Connection c) throws SQLException {
    this.statement = c.prepareStatement(INSERT);
  }

  void add(String measurementId, String previous, String status, long atMicros, String cause)
      throws SQLException {
    statement.setString(1, measurementId);
    statement.setString(2, previous);
    statement.setString(3, status);
    statement.setLong(4, atMicros);
    statement.setObject(5, cause, Types.VARCHAR);
    statement.addBatch();
    rows++;
  }

  void execute() throws SQLException {
    if (rows > 0) {
      statement.executeBatch();
      rows = 0;
    }
  }

  @Override
  public void close() throws SQLException {
    statement.close();
  }
}
