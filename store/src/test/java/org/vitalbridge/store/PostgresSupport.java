package org.vitalbridge.store;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL the integration tests use: {@code jdbc:postgresql://127.0.0.1:5432/test}, trust
 * authentication, user {@code postgres} or else {@code root}. When it cannot be reached the tests
 * are skipped with a visible message, unless {@code CI=true}: then they fail, so a CI run can never
 * silently lose its PostgreSQL coverage. Each test gets its own fresh schema, dropped afterwards.
 */
final class PostgresSupport {
  /** Overridable with {@code -Dvitalbridge.test.pg.url=…} (e.g. to check the skip path). */
  static final String URL =
      System.getProperty("vitalbridge.test.pg.url", "jdbc:postgresql://127.0.0.1:5432/test");

  private static final List<String> USERS = List.of("postgres", "root");

  private static String user;
  private static String unavailable;

  private PostgresSupport() {}

  /** The user that can connect; skips (or, with CI=true, fails) the test when none can. */
  static synchronized String requireAvailable() {
    if (user == null && unavailable == null) {
      List<String> errors = new ArrayList<>();
      for (String candidate : USERS) {
        try (Connection c = connect(candidate)) {
          if (c.isValid(3)) {
            user = candidate;
            break;
          }
          errors.add(candidate + ": connection not valid");
        } catch (SQLException e) {
          errors.add(candidate + ": " + e.getMessage());
        }
      }
      if (user == null) {
        unavailable =
            "PostgreSQL not reachable at "
                + URL
                + " ("
                + String.join("; ", errors)
                + ") — skipping; CI=true makes this a failure";
        System.err.println("[PostgresSupport] " + unavailable);
      }
    }
    if (user == null) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(unavailable.replace("— skipping; CI=true makes this a failure", "— CI=true: failing"));
      }
      Assumptions.abort(unavailable);
    }
    return user;
  }

  /** A fresh schema name ({@code t_<random>}); the store creates the schema when it opens. */
  static String newSchemaName() {
    return "t_"
        + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
  }

  static StoreConfig config(String schema) {
    return StoreConfig.postgresql(URL, requireAvailable(), schema);
  }

  static void dropSchema(String schema) throws SQLException {
    if (user == null || schema == null) {
      return;
    }
    try (Connection c = connect(user);
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  static Connection connect(String asUser) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", asUser);
    p.setProperty("connectTimeout", "3");
    return DriverManager.getConnection(URL, p);
  }
}
