package org.vitalbridge.store;

import org.junit.jupiter.api.BeforeEach;

/**
 * Operator actions on PostgreSQL: each test runs in its own fresh schema, dropped afterwards.
 * Skipped with a message when PostgreSQL is not reachable (a failure when CI=true).
 */
class PostgresOperationsIT extends OperationsContract {
  private String schema;
  private StoreConfig config;

  @BeforeEach
  void freshSchema() {
    PostgresSupport.requireAvailable();
    schema = PostgresSupport.newSchemaName();
    config = PostgresSupport.config(schema);
  }

  @Override
  protected StoreConfig config() {
    return config;
  }

  @Override
  protected void cleanUp() throws Exception {
    PostgresSupport.dropSchema(schema);
  }
}
