package org.vitalbridge.store;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vitalbridge.store.TestPipeline.payload;
import static org.vitalbridge.store.TestPipeline.raw;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.core.model.RawMessage;

/**
 * The journal acknowledges a commit only once it is durable, and makes it durable outside the write
 * lock (ADR 0005): while the fsync runs, other writers (the pipeline) go on.
 */
class JournalDurabilityTest {
  private static final Instant T0 = Instant.parse("2026-12-02T08:00:00Z");

  @TempDir Path tmp;
  private Database db;
  private Journal journal;

  @AfterEach
  void close() {
    if (journal != null) {
      journal.close();
    }
    if (db != null) {
      db.close();
    }
  }

  private StoreConfig config() {
    return StoreConfig.sqlite(tmp.resolve("journal.db"));
  }

  private RawMessage message(String id) {
    return raw(id, payload("D1", T0, "SpO2", "97", "%"), T0);
  }

  private long stored(String id) throws Exception {
    return TestDb.scalar(config(), "SELECT count(*) FROM raw_message WHERE id = ?", id);
  }

  @Test
  void anAppendIsAcknowledgedOnlyAfterItsCommitIsSyncedAndTheSyncHoldsNoWriteLock()
      throws Exception {
    db = Database.open(config());
    CountDownLatch syncing = new CountDownLatch(1);
    CountDownLatch disk = new CountDownLatch(1);
    journal =
        new Journal(
            db,
            config(),
            () -> {},
            new StoreEvents(),
            () -> {
              syncing.countDown();
              try {
                disk.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              db.syncJournal();
            });

    CompletableFuture<Void> ack = journal.append(message("r1"));
    assertThat(syncing.await(30, SECONDS)).isTrue();

    // Committed (another connection sees it) but not yet durable: nobody is acknowledged.
    assertThat(stored("r1")).isEqualTo(1);
    assertThat(ack).isNotDone();
    // The write lock is free while the disk works: a derived write commits meanwhile.
    db.write(
        () -> {
          try (Connection c = db.connection();
              PreparedStatement ps =
                  c.prepareStatement(
                      "INSERT INTO cursor (name, position) VALUES ('durability-test', 1)")) {
            return ps.executeUpdate();
          }
        });
    assertThat(
            TestDb.scalar(
                config(), "SELECT position FROM cursor WHERE name = ?", "durability-test"))
        .isEqualTo(1);
    assertThat(ack).isNotDone();

    disk.countDown();
    ack.get(30, SECONDS);
  }

  @Test
  void aFailedSyncAcknowledgesNobodyAndTheSendersRetryStoresTheMessageOnce() throws Exception {
    db = Database.open(config());
    AtomicInteger syncs = new AtomicInteger();
    journal =
        new Journal(
            db,
            config(),
            () -> {},
            new StoreEvents(),
            () -> {
              if (syncs.incrementAndGet() == 1) {
                throw new IOException("EIO");
              }
              db.syncJournal();
            });

    CompletableFuture<Void> first = journal.append(message("r2"));
    assertThatThrownBy(() -> first.get(30, SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("fsync");

    journal.append(message("r2")).get(30, SECONDS);
    assertThat(stored("r2")).isEqualTo(1);
    assertThat(syncs).hasValue(2);
  }

  @Test
  void underFullTheWriteAheadLogIsForcedAndAMissingOneIsAnError() throws Exception {
    db = Database.open(config());
    journal = new Journal(db, config(), () -> {}, new StoreEvents());
    journal.append(message("r3")).get(30, SECONDS);
    assertThat(tmp.resolve("journal.db-wal")).exists();

    db.syncJournal();
    // A WAL that is gone cannot have been synced: the journal must not pretend it was.
    journal.close();
    journal = null;
    Files.move(tmp.resolve("journal.db-wal"), tmp.resolve("moved-wal"));
    assertThatThrownBy(db::syncJournal).isInstanceOf(IOException.class);
    Files.move(tmp.resolve("moved-wal"), tmp.resolve("journal.db-wal"));
  }
}
