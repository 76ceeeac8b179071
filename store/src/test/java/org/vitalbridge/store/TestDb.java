package org.vitalbridge.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Direct JDBC access to a store's database, independent of the store's own pool: what another
 * process (or an auditor) would see.
 */
final class TestDb {
  private TestDb() {}

  static Connection connect(StoreConfig config) throws SQLException {
    if (config.backend().equals("sqlite")) {
      Connection c =
          DriverManager.getConnection("jdbc:sqlite:" + config.sqliteFile().toAbsolutePath());
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA busy_timeout = 10000");
      }
      return c;
    }
    Properties p = new Properties();
    p.setProperty("user", config.user());
    Connection c = DriverManager.getConnection(config.jdbcUrl(), p);
    try (Statement s = c.createStatement()) {
      s.execute("SET search_path TO " + config.schema());
    }
    return c;
  }

  static long scalar(StoreConfig config, String sql, Object... params) throws SQLException {
    try (Connection c = connect(config);
        PreparedStatement ps = prepare(c, sql, params);
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new AssertionError("no row from " + sql);
      }
      return rs.getLong(1);
    }
  }

  static List<String> strings(StoreConfig config, String sql, Object... params)
      throws SQLException {
    try (Connection c = connect(config);
        PreparedStatement ps = prepare(c, sql, params);
        ResultSet rs = ps.executeQuery()) {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    }
  }

  static int update(StoreConfig config, String sql, Object... params) throws SQLException {
    try (Connection c = connect(config);
        PreparedStatement ps = prepare(c, sql, params)) {
      return ps.executeUpdate();
    }
  }

  private static PreparedStatement prepare(Connection c, String sql, Object... params)
      throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    for (int i = 0; i < params.length; i++) {
      ps.setObject(i + 1, params[i]);
    }
    return ps;
  }
}
