package org.vitalbridge.store;

import org.junit.jupiter.api.BeforeEach;

/**
 * The ingest contract on PostgreSQL (skipped with a message when unreachable; fails if CI=true).
 */
class PostgresIngestIT extends IngestContract {
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
