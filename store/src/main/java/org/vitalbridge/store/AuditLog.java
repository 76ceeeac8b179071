package org.vitalbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The append-only, tamper-evident audit trail: a hash chain ({@link AuditChain}). Appends are
 * serialized — in this process by a lock, across processes sharing PostgreSQL by the row lock on
 * {@code audit_head} that each append takes first — so the chain stays linear. {@link #verify()}
 * finds the first row edited, deleted or reordered since it was appended.
 */
public final class AuditLog {
  private static final String COLUMNS =
      "seq, at, actor, role, action, resource, patient, source, outcome, detail, prev_hash, hash";

  private final Database db;
  private final Clock clock;
  private final Object appendLock = new Object();

  AuditLog(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** An entry without role, patient or source (configuration changes and the like). */
  public void record(String actor, String action, String resource, String outcome, String detail) {
    append(new AuditEvent(actor, null, action, resource, null, null, outcome, detail));
  }

  /** Appends one entry to the chain, now; returns it with its seq and hash. */
  public AuditEntry append(AuditEvent event) {
    synchronized (appendLock) {
      try (Connection c = db.connection()) {
        return db.write(() -> Transactions.inTransaction(c, () -> append(c, event)));
      } catch (SQLException e) {
        throw new StoreException("audit write failed: " + e.getMessage(), e);
      }
    }
  }

  private AuditEntry append(Connection c, AuditEvent event) throws SQLException {
    // Taking the head's write lock first: SQLite's write lock, PostgreSQL's row lock. Whoever holds
    // it appends the next link; the others wait.
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE audit_head SET seq = seq + 1 WHERE id = 1")) {
      ps.executeUpdate();
    }
    long seq;
    String prev;
    try (PreparedStatement ps =
            c.prepareStatement("SELECT seq, hash FROM audit_head WHERE id = 1");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      seq = rs.getLong(1);
      prev = rs.getString(2);
    }
    Instant at = clock.instant();
    long micros = Times.micros(at);
    String hash = AuditChain.hash(prev, seq, micros, event);
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO audit (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, seq);
      ps.setLong(2, micros);
      ps.setString(3, event.actor());
      ps.setString(4, event.role());
      ps.setString(5, event.action());
      ps.setString(6, event.resource());
      ps.setString(7, event.patient());
      ps.setString(8, event.source());
      ps.setString(9, event.outcome());
      ps.setString(10, event.detail());
      ps.setString(11, prev);
      ps.setString(12, hash);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement("UPDATE audit_head SET hash = ? WHERE id = 1")) {
      ps.setString(1, hash);
      ps.executeUpdate();
    }
    return new AuditEntry(seq, Times.instant(micros), event, prev, hash);
  }

  /**
   * Chains rows written before the chain existed (schema V8), in seq order, once: afterwards every
   * row has its hash and the head names the last one.
   */
  void sealUnchained() {
    synchronized (appendLock) {
      try (Connection c = db.connection()) {
        db.write(
            () ->
                Transactions.inTransaction(
                    c,
                    () -> {
                      List<AuditEntry> open = new ArrayList<>();
                      try (PreparedStatement ps =
                              c.prepareStatement(
                                  "SELECT "
                                      + COLUMNS
                                      + " FROM audit WHERE hash IS NULL ORDER BY seq");
                          ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                          open.add(entry(rs));
                        }
                      }
                      if (open.isEmpty()) {
                        return null;
                      }
                      String prev;
                      try (PreparedStatement ps =
                              c.prepareStatement("SELECT hash FROM audit_head WHERE id = 1");
                          ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        prev = rs.getString(1);
                      }
                      long last = 0;
                      for (AuditEntry e : open) {
                        String hash =
                            AuditChain.hash(prev, e.seq(), Times.micros(e.at()), e.event());
                        try (PreparedStatement ps =
                            c.prepareStatement(
                                "UPDATE audit SET prev_hash = ?, hash = ? WHERE seq = ?")) {
                          ps.setString(1, prev);
                          ps.setString(2, hash);
                          ps.setLong(3, e.seq());
                          ps.executeUpdate();
                        }
                        prev = hash;
                        last = e.seq();
                      }
                      try (PreparedStatement ps =
                          c.prepareStatement(
                              "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1")) {
                        ps.setLong(1, last);
                        ps.setString(2, prev);
                        ps.executeUpdate();
                      }
                      return null;
                    }));
      } catch (SQLException e) {
        throw new StoreException("cannot chain the audit trail: " + e.getMessage(), e);
      }
    }
  }

  /**
   * Walks the chain from its first row: every seq present, each row's {@code prev_hash} the hash of
   * the row before, each hash that of its contents, and the last row the one the head names.
   */
  public AuditVerification verify() {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement("SELECT " + COLUMNS + " FROM audit ORDER BY seq")) {
      ps.setFetchSize(1000);
      long rows = 0;
      long prevSeq = 0;
      String prevHash = AuditChain.GENESIS;
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          AuditEntry e = entry(rs);
          rows++;
          if (e.seq() != prevSeq + 1) {
            return AuditVerification.broken(
                rows,
                prevSeq + 1,
                "deleted",
                e.seq() == prevSeq + 2
                    ? "row " + (prevSeq + 1) + " is missing (deleted)"
                    : "rows " + (prevSeq + 1) + ".." + (e.seq() - 1) + " are missing (deleted)");
          }
          String expected =
              AuditChain.hash(
                  e.prevHash() == null ? "" : e.prevHash(),
                  e.seq(),
                  Times.micros(e.at()),
                  e.event());
          if (e.hash() == null || !e.hash().equals(expected)) {
            return AuditVerification.broken(
                rows, e.seq(), "edited", "row " + e.seq() + " does not match its hash (edited)");
          }
          if (!prevHash.equals(e.prevHash())) {
            return AuditVerification.broken(
                rows,
                e.seq(),
                "relinked",
                "row "
                    + e.seq()
                    + " does not link to row "
                    + prevSeq
                    + " (rows reordered, or an earlier row edited and re-hashed)");
          }
          prevSeq = e.seq();
          prevHash = e.hash();
        }
      }
      try (PreparedStatement head =
              c.prepareStatement("SELECT seq, hash FROM audit_head WHERE id = 1");
          ResultSet rs = head.executeQuery()) {
        rs.next();
        long headSeq = rs.getLong(1);
        if (headSeq > prevSeq) {
          return AuditVerification.broken(
              rows,
              prevSeq + 1,
              "truncated",
              "rows " + (prevSeq + 1) + ".." + headSeq + " were appended but are gone (deleted)");
        }
        if (headSeq < prevSeq || !rs.getString(2).equals(prevHash)) {
          return AuditVerification.broken(
              rows,
              Math.min(headSeq + 1, prevSeq),
              "unchained",
              "the last row appended was "
                  + headSeq
                  + ", the trail ends at "
                  + prevSeq
                  + " (rows added or replaced outside the audit log)");
        }
      }
      return AuditVerification.ok(rows);
    } catch (SQLException e) {
      throw new StoreException("audit read failed: " + e.getMessage(), e);
    }
  }

  /** Entries after {@code afterSeq}, oldest first, at most {@code limit} (export, tests). */
  public List<AuditEntry> entries(long afterSeq, int limit) {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT " + COLUMNS + " FROM audit WHERE seq > ? ORDER BY seq LIMIT ?")) {
      ps.setLong(1, afterSeq);
      ps.setInt(2, limit);
      List<AuditEntry> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(entry(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("audit read failed: " + e.getMessage(), e);
    }
  }

  private static AuditEntry entry(ResultSet rs) throws SQLException {
    return new AuditEntry(
        rs.getLong("seq"),
        Times.instant(rs.getLong("at")),
        new AuditEvent(
            rs.getString("actor"),
            rs.getString("role"),
            rs.getString("action"),
            rs.getString("resource"),
            rs.getString("patient"),
            rs.getString("source"),
            rs.getString("outcome"),
            rs.getString("detail")),
        rs.getString("prev_hash"),
        rs.getString("hash"));
  }
}
