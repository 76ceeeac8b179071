package org.vitalbridge.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * A connection pool to SQLite or PostgreSQL with the schema migrated. Opening checks what an
 * operator would otherwise meet as a stack trace: another process holding the SQLite file, a file
 * that is not a database, an unreachable PostgreSQL.
 */
final class Database implements AutoCloseable {
  private static final java.util.Set<Path> OPEN_IN_THIS_JVM =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Database.class);
  private static final java.time.Duration CHECKPOINT_EVERY = java.time.Duration.ofMillis(500);
  private final java.util.concurrent.ScheduledExecutorService checkpointer;
  private final java.util.concurrent.locks.ReentrantLock writeLock =
      new java.util.concurrent.locks.ReentrantLock();
  private final HikariDataSource pool;
  private final boolean sqlite;
  private final Path sqliteFile;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final String journalSynchronous;

  private Database(
      HikariDataSource pool,
      boolean sqlite,
      Path sqliteFile,
      FileChannel lockChannel,
      FileLock lock,
      String journalSynchronous) {
    this.journalSynchronous = journalSynchronous;
    this.pool = pool;
    this.sqlite = sqlite;
    this.sqliteFile = sqliteFile;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.checkpointer = sqlite ? startCheckpointer() : null;
  }

  /**
   * Copies the WAL into the database file every {@link #CHECKPOINT_EVERY}. PASSIVE never waits for
   * or blocks writers; the WAL is reused from its start once a checkpoint has caught up.
   */
  private java.util.concurrent.ScheduledExecutorService startCheckpointer() {
    java.util.concurrent.ScheduledExecutorService s =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "vitalbridge-sqlite-checkpoint");
              t.setDaemon(true);
              return t;
            });
    s.scheduleWithFixedDelay(
        this::checkpoint,
        CHECKPOINT_EVERY.toMillis(),
        CHECKPOINT_EVERY.toMillis(),
        java.util.concurrent.TimeUnit.MILLISECONDS);
    return s;
  }

  private void checkpoint() {
    try (Connection c = pool.getConnection();
        Statement st = c.createStatement()) {
      st.execute("PRAGMA wal_checkpoint(PASSIVE)");
    } catch (SQLException | RuntimeException e) {
      log.debug("WAL checkpoint skipped: {}", e.getMessage());
    }
  }

  static Database open(StoreConfig config) {
    return config.isSqlite() ? openSqlite(config) : openPostgres(config);
  }

  private static Database openSqlite(StoreConfig config) {
    Path file = config.sqliteFile().toAbsolutePath().normalize();
    // A second channel on a lock file this JVM holds would, when closed, release the OS lock the
    // first store depends on: refuse before touching the file.
    if (!OPEN_IN_THIS_JVM.add(file)) {
      throw inUse(file);
    }
    try {
      return lockAndOpen(config, file);
    } catch (RuntimeException e) {
      OPEN_IN_THIS_JVM.remove(file);
      throw e;
    }
  }

  private static StoreException inUse(Path file) {
    return new StoreException(
        "SQLite store "
            + file
            + " is in use by another VitalBridge process (lock held on "
            + file.getFileName()
            + ".lock); stop it or configure another store file");
  }

  private static Database lockAndOpen(StoreConfig config, Path file) {
    FileChannel channel = null;
    FileLock lock;
    try {
      Files.createDirectories(file.getParent());
      Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      throw inUse(file);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new StoreException("cannot lock SQLite store " + file + ": " + e.getMessage(), e);
    }
    if (lock == null) {
      closeQuietly(channel);
      throw inUse(file);
    }
    try {
      checkSqliteHeader(file);
    } catch (StoreException e) {
      releaseQuietly(lock);
      closeQuietly(channel);
      throw e;
    }
    SQLiteConfig sc = new SQLiteConfig();
    sc.setJournalMode(SQLiteConfig.JournalMode.WAL);
    // Derived writes (pipeline, outbox, retention) are replayable from the journal, so their
    // commits need not wait for fsync; the journal writer raises its own connection to the
    // configured level (see journalConnection).
    sc.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    sc.setBusyTimeout(10_000);
    sc.setCacheSize(-65_536);
    sc.setTempStore(SQLiteConfig.TempStore.MEMORY);
    sc.enforceForeignKeys(true);
    SQLiteDataSource ds = new SQLiteDataSource(sc);
    ds.setUrl("jdbc:sqlite:" + file);
    HikariConfig hc = new HikariConfig();
    hc.setDataSource(ds);
    hc.setPoolName("vitalbridge-sqlite");
    hc.setMaximumPoolSize(4);
    hc.setAutoCommit(true);
    hc.setInitializationFailTimeout(-1);
    hc.setConnectionTimeout(10_000);
    // No connection checkpoints as part of its commit: that commit would hold the write lock
    // through the checkpoint's fsyncs and stall the journal (and so the acknowledgments) behind
    // it. The checkpointer below runs them on its own, concurrently with writers.
    hc.setConnectionInitSql("PRAGMA wal_autocheckpoint=0");
    HikariDataSource pool = new HikariDataSource(hc);
    Database db = new Database(pool, true, file, channel, lock, config.sqliteSynchronous());
    try {
      db.checkSqliteReadable(file);
      migrate(pool, "classpath:db/sqlite", null);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
    return db;
  }

  /** A non-empty file that does not start with the SQLite header is not ours to open. */
  private static void checkSqliteHeader(Path file) {
    try {
      if (!Files.exists(file) || Files.size(file) == 0) {
        return;
      }
      byte[] head = new byte[16];
      int n;
      try (var in = Files.newInputStream(file)) {
        n = in.readNBytes(head, 0, 16);
      }
      if (n < 16
          || !new String(head, 0, 16, java.nio.charset.StandardCharsets.ISO_8859_1)
              .equals("SQLite format 3\0")) {
        throw new StoreException(
            "SQLite store "
                + file
                + " is not a valid database (corrupt or not SQLite): move it"
                + " aside or restore it from backup");
      }
    } catch (IOException e) {
      throw new StoreException("cannot read SQLite store " + file + ": " + e.getMessage(), e);
    }
  }

  private static void releaseQuietly(FileLock lock) {
    try {
      lock.release();
    } catch (IOException e) {
      // The channel is closed next, which releases the lock too.
    }
  }

  private void checkSqliteReadable(Path file) {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute("PRAGMA schema_version");
      var rs = s.executeQuery("PRAGMA quick_check");
      if (rs.next() && !"ok".equals(rs.getString(1))) {
        throw new StoreException(
            "SQLite store "
                + file
                + " failed its integrity check: "
                + rs.getString(1)
                + " — restore it from backup or move it aside");
      }
    } catch (SQLException e) {
      String msg = causeMessages(e);
      if (msg.contains("NOTADB") || msg.contains("not a database") || msg.contains("CORRUPT")) {
        throw new StoreException(
            "SQLite store "
                + file
                + " is not a valid database (corrupt or not SQLite): move it"
                + " aside or restore it from backup",
            e);
      }
      if (msg.contains("BUSY") || msg.contains("locked")) {
        throw new StoreException(
            "SQLite store " + file + " is locked by another program; close it and retry", e);
      }
      throw new StoreException("cannot open SQLite store " + file + ": " + msg, e);
    }
  }

  private static Database openPostgres(StoreConfig config) {
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(config.jdbcUrl());
    hc.setUsername(config.user());
    if (config.password() != null) {
      hc.setPassword(config.password());
    }
    hc.setPoolName("vitalbridge-postgresql");
    hc.setMaximumPoolSize(8);
    hc.setConnectionTimeout(5_000);
    String schema = config.schema() == null ? "public" : config.schema();
    if (!schema.matches("[a-z_][a-z0-9_]*")) {
      throw new StoreException(
          "PostgreSQL schema name '" + schema + "' must match [a-z_][a-z0-9_]*");
    }
    hc.setConnectionInitSql("SET search_path TO " + schema);
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(hc);
    } catch (RuntimeException e) {
      throw new StoreException(
          "cannot connect to PostgreSQL at " + config.jdbcUrl() + ": " + rootMessage(e), e);
    }
    try {
      migrate(pool, "classpath:db/postgresql", schema);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    return new Database(pool, false, null, null, null, null);
  }

  private static void migrate(DataSource ds, String location, String schema) {
    try {
      var fw = Flyway.configure().dataSource(ds).locations(location).loggers("slf4j");
      if (schema != null) {
        fw = fw.schemas(schema).defaultSchema(schema).createSchemas(true);
      }
      fw.load().migrate();
    } catch (FlywayException e) {
      throw new StoreException("schema migration failed: " + rootMessage(e), e);
    }
  }

  private static String causeMessages(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
      b.append(t.getMessage()).append(' ');
    }
    return b.toString();
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  Connection connection() throws SQLException {
    return pool.getConnection();
  }

  /**
   * Runs a write transaction. SQLite has one writer at a time and a writer that finds the lock
   * taken sleeps in steps of 1, 2, 5, 10… ms (its busy handler); the journal's commit (on the
   * acknowledgment path) and the pipeline's batches therefore queue on this lock instead, and the
   * next writer starts the moment the last one commits. PostgreSQL writes concurrently.
   */
  <T> T write(Transactions.Work<T> work) throws SQLException {
    if (!sqlite) {
      return work.run();
    }
    writeLock.lock();
    try {
      return work.run();
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * The journal writer's connection. It commits at {@code synchronous=NORMAL} (no fsync while the
   * write lock is held) even under {@code FULL}: {@link #syncJournal} then fsyncs the WAL after the
   * lock is released, before anyone is acknowledged (ADR 0005).
   */
  Connection journalConnection() throws SQLException {
    Connection c = pool.getConnection();
    if (sqlite) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA synchronous=NORMAL");
      }
    }
    return c;
  }

  /**
   * Makes the journal's last commit durable at the configured level: under {@code FULL} (the
   * default) an fsync of the WAL — what {@code synchronous=FULL} does inside the commit, done here
   * outside the write lock so that the pipeline's writes go on during it. fsync flushes the file,
   * whichever descriptor wrote it. Frames a checkpoint already copied are in the database file,
   * which the checkpoint synced, and the WAL restarts only after a complete checkpoint. Under
   * {@code NORMAL}, and on PostgreSQL (durable at commit), nothing.
   */
  void syncJournal() throws IOException {
    if (!sqlite || !"FULL".equals(journalSynchronous)) {
      return;
    }
    Path wal = sqliteFile.resolveSibling(sqliteFile.getFileName() + "-wal");
    try (FileChannel channel = FileChannel.open(wal, StandardOpenOption.READ)) {
      channel.force(false);
    }
  }

  boolean isSqlite() {
    return sqlite;
  }

  /** Bytes on disk (SQLite file plus WAL), or -1 for PostgreSQL (ask the server). */
  long fileBytes() {
    if (!sqlite) {
      return -1;
    }
    long total = 0;
    for (String suffix : new String[] {"", "-wal", "-shm"}) {
      Path p = sqliteFile.resolveSibling(sqliteFile.getFileName() + suffix);
      try {
        total += Files.exists(p) ? Files.size(p) : 0;
      } catch (IOException e) {
        // A file that vanished between exists and size contributes nothing.
      }
    }
    return total;
  }

  @Override
  public void close() {
    if (checkpointer != null) {
      checkpointer.shutdownNow();
      try {
        checkpointer.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      checkpoint();
    }
    pool.close();
    try {
      if (lock != null) {
        lock.release();
      }
    } catch (IOException e) {
      // Closing the channel below releases the lock as well.
    }
    closeQuietly(lockChannel);
    if (sqliteFile != null) {
      OPEN_IN_THIS_JVM.remove(sqliteFile);
    }
  }

  private static void closeQuietly(FileChannel c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException e) {
        // Nothing useful to do on close failure of a lock file.
      }
    }
  }
}
