package org.vitalbridge.store;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vitalbridge.core.model.RawMessage;

/**
 * The durable journal of raw messages with group commit. Concurrent {@link #append} calls are
 * queued; one writer thread takes everything waiting (up to {@code maxBatch}), writes it in one
 * transaction and commits, makes the commit durable (on SQLite: an fsync of the WAL after the write
 * lock is released, so derived writes need not wait for the disk), and only then completes the
 * callers' futures. An adapter acknowledges a device when its future completes: acknowledged means
 * committed and on disk.
 */
public final class Journal implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Journal.class);
  private static final String INSERT =
      "INSERT INTO raw_message (id, received_at, adapter, content_type, source, device_identity,"
          + " payload, size) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING";

  /** Longest a group commit waits for company; the "few milliseconds" of the contract. */
  static final long LINGER_NANOS =
      TimeUnit.MICROSECONDS.toNanos(Long.getLong("vitalbridge.journal.lingerMicros", 1000));

  private record Pending(RawMessage message, CompletableFuture<Void> done) {}

  private final Database db;
  private final Durability durability;
  private final int maxPayloadBytes;
  private final int maxBatch;
  private final BlockingQueue<Pending> queue;
  private final Runnable afterCommit;
  private final StoreEvents events;
  private final Thread writer;
  private volatile boolean running = true;
  private int lastBatchSize;
  private Connection connection;
  private PreparedStatement insert;

  /** What makes a commit durable before it is acknowledged ({@link Database#syncJournal}). */
  interface Durability {
    void sync() throws IOException;
  }

  Journal(Database db, StoreConfig config, Runnable afterCommit, StoreEvents events) {
    this(db, config, afterCommit, events, db::syncJournal);
  }

  Journal(
      Database db,
      StoreConfig config,
      Runnable afterCommit,
      StoreEvents events,
      Durability durability) {
    this.durability = durability;
    this.events = events;
    this.db = db;
    this.maxPayloadBytes = config.maxPayloadBytes();
    this.maxBatch = config.maxBatch();
    this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
    this.afterCommit = afterCommit;
    this.writer = new Thread(this::writeLoop, "vitalbridge-journal-writer");
    this.writer.setDaemon(true);
    this.writer.start();
  }

  /**
   * Journals {@code message}. The future completes once the message is committed, or fails with
   * {@link PayloadTooLargeException} (never journaled), a {@link StoreException} when the journal
   * is full or closed, or the database error.
   */
  public CompletableFuture<Void> append(RawMessage message) {
    return enqueue(message, 5, TimeUnit.SECONDS);
  }

  /**
   * Like {@link #append} but never waits for room: a full journal fails the future at once with
   * {@link JournalOverloadedException}, which event-driven adapters turn into back-pressure (HTTP
   * 429, MQTT 0x97) instead of stalling their threads.
   */
  public CompletableFuture<Void> offer(RawMessage message) {
    return enqueue(message, 0, TimeUnit.MILLISECONDS);
  }

  private CompletableFuture<Void> enqueue(RawMessage message, long wait, TimeUnit unit) {
    if (message.size() > maxPayloadBytes) {
      return CompletableFuture.failedFuture(
          new PayloadTooLargeException(message.size(), maxPayloadBytes));
    }
    if (!running) {
      return CompletableFuture.failedFuture(new StoreException("journal is closed"));
    }
    Pending p = new Pending(message, new CompletableFuture<>());
    try {
      boolean queued = wait == 0 ? queue.offer(p) : queue.offer(p, wait, unit);
      if (!queued) {
        return CompletableFuture.failedFuture(
            new JournalOverloadedException(
                "journal is overloaded (" + queue.size() + " appends waiting)"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CompletableFuture.failedFuture(new StoreException("interrupted while journaling", e));
    }
    return p.done();
  }

  /** Largest payload {@link #append} takes; adapters refuse larger messages with this limit. */
  public int maxPayloadBytes() {
    return maxPayloadBytes;
  }

  /** Appends waiting for the writer. */
  public int backlog() {
    return queue.size();
  }

  private void writeLoop() {
    List<Pending> batch = new ArrayList<>(maxBatch);
    while (running || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        if (lastBatchSize > 1) {
          gather(batch);
        }
        lastBatchSize = batch.size();
        commit(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } finally {
        batch.clear();
      }
    }
    closeWriterConnection();
    Pending left;
    while ((left = queue.poll()) != null) {
      left.done().completeExceptionally(new StoreException("journal closed before commit"));
    }
  }

  /**
   * Under concurrency, waits up to the linger time until 90 % as many appends as the last commit
   * took are gathered, so that one commit (one fsync) serves many callers without waiting for the
   * last straggler; a lone appender (last batch of one) is never delayed.
   */
  private void gather(List<Pending> batch) throws InterruptedException {
    long deadline = System.nanoTime() + LINGER_NANOS;
    int expected = Math.min(maxBatch, lastBatchSize - lastBatchSize / 10);
    while (batch.size() < expected) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      Pending next = queue.poll(left, TimeUnit.NANOSECONDS);
      if (next == null) {
        return;
      }
      batch.add(next);
      queue.drainTo(batch, maxBatch - batch.size());
    }
  }

  private void commit(List<Pending> batch) {
    try {
      writeBatch(batch);
    } catch (SQLException e) {
      log.error("journal commit of {} messages failed: {}", batch.size(), e.getMessage());
      closeWriterConnection();
      StoreException failure = new StoreException("journal commit failed: " + e.getMessage(), e);
      batch.forEach(p -> p.done().completeExceptionally(failure));
      return;
    }
    try {
      durability.sync();
    } catch (IOException | RuntimeException e) {
      // Committed but not known to be on disk: nobody is acknowledged; a sender's retry finds
      // the same raw id and stores nothing twice.
      log.error("journal fsync of {} messages failed: {}", batch.size(), e.toString());
      StoreException failure = new StoreException("journal fsync failed: " + e, e);
      batch.forEach(p -> p.done().completeExceptionally(failure));
      afterCommit.run();
      return;
    }
    batch.forEach(p -> p.done().complete(null));
    afterCommit.run();
    if (!events.quiet()) {
      batch.forEach(p -> events.journaled(p.message()));
    }
  }

  /** The writer keeps one connection and statement: a group commit must not pay for a borrow. */
  private void writeBatch(List<Pending> batch) throws SQLException {
    if (connection == null) {
      connection = db.journalConnection();
      connection.setAutoCommit(false);
      insert = connection.prepareStatement(INSERT);
    }
    db.write(() -> insertAndCommit(batch));
  }

  private Void insertAndCommit(List<Pending> batch) throws SQLException {
    try {
      for (Pending p : batch) {
        RawMessage m = p.message();
        insert.setString(1, m.id());
        insert.setLong(2, Times.micros(m.receivedAt()));
        insert.setString(3, m.adapter());
        insert.setString(4, m.contentType());
        insert.setString(5, m.sourceAddress());
        insert.setString(6, m.deviceIdentity());
        insert.setBytes(7, m.payload());
        insert.setInt(8, m.size());
        insert.addBatch();
      }
      insert.executeBatch();
      connection.commit();
      return null;
    } catch (SQLException e) {
      insert.clearBatch();
      connection.rollback();
      throw e;
    }
  }

  private void closeWriterConnection() {
    try {
      if (connection != null) {
        connection.close();
      }
    } catch (SQLException e) {
      log.warn("closing the journal connection failed: {}", e.getMessage());
    }
    connection = null;
    insert = null;
  }

  @Override
  public void close() {
    running = false;
    try {
      writer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
