package org.vitalbridge.store;

import java.sql.Connection;
import java.sql.SQLException;

/** Runs work in one transaction on a connection: commit on success, rollback on any failure. */
final class Transactions {
  /** Work that reads and writes through the connection. */
  interface Work<T> {
    T run() throws SQLException;
  }

  private Transactions() {}

  static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
    c.setAutoCommit(false);
    try {
      T result = work.run();
      c.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }
}
