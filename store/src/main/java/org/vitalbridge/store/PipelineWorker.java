package org.vitalbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.core.pipeline.Outcome;

/**
 * Takes committed raw messages in journal order, runs decode + harmonize, and writes measurements,
 * rejections and outbox rows together with its cursor in one transaction per batch. After a crash
 * it resumes at the cursor; a message processed twice writes nothing new (deterministic ids).
 */
public final class PipelineWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PipelineWorker.class);
  static final String CURSOR = "pipeline";
  private static final int BATCH = 500;

  private final Database db;
  private final MessageProcessor processor;
  private final OutcomeWriter writer;
  private final Clock clock;
  private final StoreEvents events;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  private boolean signalled;
  private volatile boolean running;
  private Thread thread;

  PipelineWorker(
      Database db,
      MessageProcessor processor,
      OutcomeWriter writer,
      Clock clock,
      StoreEvents events) {
    this.events = events;
    this.db = db;
    this.processor = processor;
    this.writer = writer;
    this.clock = clock;
  }

  /** Starts processing in the background. */
  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    thread = new Thread(this::loop, "vitalbridge-pipeline");
    thread.setDaemon(true);
    thread.start();
  }

  /** Wakes the worker: new messages were committed. */
  void signal() {
    lock.lock();
    try {
      signalled = true;
      work.signal();
    } finally {
      lock.unlock();
    }
  }

  private void loop() {
    while (running) {
      try {
        if (processBatch() == 0) {
          awaitWork();
        }
      } catch (SQLException e) {
        log.error("pipeline batch failed, retrying: {}", e.getMessage());
        sleepQuietly();
      } catch (RuntimeException e) {
        log.error("pipeline batch failed, retrying", e);
        sleepQuietly();
      }
    }
  }

  private void awaitWork() {
    lock.lock();
    try {
      if (!signalled) {
        work.await(200, TimeUnit.MILLISECONDS);
      }
      signalled = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    } finally {
      lock.unlock();
    }
  }

  private void sleepQuietly() {
    try {
      Thread.sleep(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /**
   * Processes up to one batch after the cursor, in the caller's thread. Returns how many messages
   * it processed (0 = caught up). Safe to call while the background thread runs: the batch and the
   * cursor are committed together, and re-processing is idempotent.
   */
  public int processBatch() throws SQLException {
    synchronized (this) {
      try (Connection c = db.connection()) {
        long cursor = cursor(c);
        List<StoredRaw> batch = RawMessages.after(c, cursor, BATCH);
        if (batch.isEmpty()) {
          return 0;
        }
        List<OutcomeWriter.Processed> processed = OutcomeWriter.process(batch, processor, false);
        long last = batch.get(batch.size() - 1).seq();
        writer.commit(c, processed, clock.instant(), () -> saveCursor(c, last));
        announce(batch, processed);
        return batch.size();
      }
    }
  }

  /** Tells listeners what the committed batch did with each message processed the first time. */
  private void announce(List<StoredRaw> batch, List<OutcomeWriter.Processed> processed) {
    if (events.quiet()) {
      return;
    }
    Instant committedAt = clock.instant();
    for (int i = 0; i < batch.size(); i++) {
      OutcomeWriter.Processed p = processed.get(i);
      if (p.seenBefore()) {
        continue;
      }
      int accepted = 0;
      int rejected = 0;
      for (Outcome o : p.outcomes()) {
        if (o instanceof Outcome.Accepted) {
          accepted++;
        } else {
          rejected++;
        }
      }
      events.processed(batch.get(i).message(), accepted, rejected, committedAt);
    }
  }

  /** Processes until nothing is left after the cursor. Returns the number processed. */
  public long drain() throws SQLException {
    long total = 0;
    int n;
    while ((n = processBatch()) > 0) {
      total += n;
    }
    return total;
  }

  /** The journal position up to which processing is committed. */
  public long position() throws SQLException {
    try (Connection c = db.connection()) {
      return cursor(c);
    }
  }

  private static long cursor(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT position FROM cursor WHERE name = ?")) {
      ps.setString(1, CURSOR);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0L;
      }
    }
  }

  private static void saveCursor(Connection c, long position) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO cursor (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET"
                + " position = excluded.position")) {
      ps.setString(1, CURSOR);
      ps.setLong(2, position);
      ps.executeUpdate();
    }
  }

  @Override
  public void close() {
    running = false;
    signal();
    Thread t = thread;
    if (t != null) {
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
