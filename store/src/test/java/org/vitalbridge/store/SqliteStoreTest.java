package org.vitalbridge.store;

/** The store contract on the embedded SQLite backend (a fresh file per test). */
class SqliteStoreTest extends StoreContract {

  @Override
  protected StoreConfig config() {
    return StoreConfig.sqlite(tmp.resolve("store.db"));
  }
}
