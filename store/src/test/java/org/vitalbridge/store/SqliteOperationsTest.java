package org.vitalbridge.store;

/** Operator actions on the embedded SQLite backend (a fresh file per test). */
class SqliteOperationsTest extends OperationsContract {

  @Override
  protected StoreConfig config() {
    return StoreConfig.sqlite(tmp.resolve("store.db"));
  }
}
