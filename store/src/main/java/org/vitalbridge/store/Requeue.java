package org.vitalbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Queues changed measurements again for every destination, in the caller's transaction: the one
 * mechanism behind re-attribution and result status changes. An existing outbox row (delivered,
 * failed, dead or still pending) goes back to pending with its attempts and error cleared and its
 * revision bumped, keeping its place in the queue; a measurement never queued (held) gets its first
 * row. A destination then sends the stored measurement as it is now, under the same id (a FHIR
 * update, an HL7 ORU with the new OBX-11), and a delivery that read the older revision cannot mark
 * the newer one delivered ({@link Outbox#delivered}).
 */
final class Requeue implements AutoCloseable {
  private static final String REQUEUE =
      "INSERT INTO outbox (destination, measurement_id, raw_seq) VALUES (?, ?, ?)"
          + " ON CONFLICT (destination, measurement_id) DO UPDATE SET state = 'pending',"
          + " attempts = 0, next_attempt_at = 0, last_error = NULL, delivered_at = NULL,"
          + " revision = outbox.revision + 1";

  private final List<String> destinations;
  private final PreparedStatement statement;
  private final Set<String> added = new HashSet<>();
  private int rows;

  Requeue(Connection c, List<String> destinations) throws SQLException {
    this.destinations = destinations;
    this.statement = c.prepareStatement(REQUEUE);
  }

  /** Queues the measurement again for every destination (once, however often it is added). */
  void add(String measurementId, Long rawSeq) throws SQLException {
    if (!added.add(measurementId)) {
      return;
    }
    for (String destination : destinations) {
      statement.setString(1, destination);
      statement.setString(2, measurementId);
      statement.setObject(3, rawSeq, Types.BIGINT);
      statement.addBatch();
      rows++;
    }
  }

  /** Writes what was added; returns the number of outbox rows written. */
  int execute() throws SQLException {
    if (rows > 0) {
      statement.executeBatch();
    }
    int n = rows;
    rows = 0;
    return n;
  }

  @Override
  public void close() throws SQLException {
    statement.close();
  }
}
