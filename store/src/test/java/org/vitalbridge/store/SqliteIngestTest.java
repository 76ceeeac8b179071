package org.vitalbridge.store;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.vitalbridge.store.TestPipeline.payload;
import static org.vitalbridge.store.TestPipeline.raw;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The ingest contract on SQLite, plus back-pressure (which needs the file locked from outside). */
class SqliteIngestTest extends IngestContract {

  @Override
  protected StoreConfig config() {
    return StoreConfig.sqlite(tmp.resolve("store.db"));
  }

  @Test
  void aFullJournalFailsAtOnceWithBackPressureAndStoresNothingItRefused() throws Exception {
    StoreConfig small =
        new StoreConfig(
            "sqlite",
            tmp.resolve("small.db"),
            "FULL",
            null,
            null,
            null,
            null,
            1 << 20,
            1,
            2,
            List.of());
    Store store = open(small);
    List<CompletableFuture<Ingestor.Receipt>> futures = new ArrayList<>();
    // Another process holding the write lock stalls the journal writer; its queue (2) fills up.
    try (Connection blocker = DriverManager.getConnection("jdbc:sqlite:" + small.sqliteFile());
        Statement st = blocker.createStatement()) {
      st.execute("BEGIN EXCLUSIVE");
      for (int i = 0; i < 20; i++) {
        futures.add(
            store
                .ingestor()
                .submit(raw("m" + i, payload("D1", T0.plusSeconds(i), "SpO2", "97", "%"), NOW)));
      }
      st.execute("COMMIT");
    }
    int refused = 0;
    int stored = 0;
    for (CompletableFuture<Ingestor.Receipt> f : futures) {
      try {
        f.get(30, SECONDS);
        stored++;
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(JournalOverloadedException.class);
        refused++;
      }
    }
    assertThat(refused).isPositive();
    assertThat(store.retention().usage().rawCount()).isEqualTo(stored);
  }
}
