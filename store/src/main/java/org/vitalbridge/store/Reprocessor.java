package org.vitalbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.vitalbridge.core.pipeline.MessageProcessor;

/**
 * Re-runs journaled messages after a mapping or terminology fix. What now succeeds leaves
 * quarantine; nothing is duplicated because measurement ids are deterministic.
 */
public final class Reprocessor {
  private static final int BATCH = 200;

  private final Database db;
  private final OutcomeWriter writer;
  private final Clock clock;

  Reprocessor(Database db, OutcomeWriter writer, Clock clock) {
    this.db = db;
    this.writer = writer;
    this.clock = clock;
  }

  /** Re-runs every message with an open rejection, with {@code processor} (the fixed one). */
  public ReprocessReport rejected(MessageProcessor processor) {
    return run(
        processor,
        "SELECT "
            + RawMessages.COLUMNS
            + " FROM raw_message r WHERE r.seq > ? AND EXISTS (SELECT 1"
            + " FROM quarantine q WHERE q.raw_seq = r.seq AND q.resolved_at IS NULL) ORDER BY r.seq"
            + " LIMIT "
            + BATCH,
        ps -> {});
  }

  /**
   * Re-runs every message with an open rejection of {@code reason} (its code, e.g. {@code
   * no-template}), with {@code processor}.
   */
  public ReprocessReport rejected(MessageProcessor processor, String reason) {
    return run(
        processor,
        "SELECT "
            + RawMessages.COLUMNS
            + " FROM raw_message r WHERE r.seq > ? AND EXISTS (SELECT 1"
            + " FROM quarantine q WHERE q.raw_seq = r.seq AND q.resolved_at IS NULL AND q.reason"
            + " = ?) ORDER BY r.seq LIMIT "
            + BATCH,
        ps -> ps.setString(2, reason));
  }

  /**
   * Re-runs the given journaled messages (by journal position), whatever their state: an operator
   * retrying chosen quarantine entries after a fix. Unknown positions are skipped.
   */
  public ReprocessReport messages(MessageProcessor processor, java.util.Collection<Long> rawSeqs) {
    List<Long> seqs = rawSeqs.stream().distinct().sorted().toList();
    if (seqs.isEmpty()) {
      return new ReprocessReport(0, 0, 0);
    }
    if (seqs.size() > 1000) {
      throw new IllegalArgumentException("at most 1000 messages per reprocess call");
    }
    String marks = String.join(", ", java.util.Collections.nCopies(seqs.size(), "?"));
    return run(
        processor,
        "SELECT "
            + RawMessages.COLUMNS
            + " FROM raw_message r WHERE r.seq > ? AND r.seq IN ("
            + marks
            + ") ORDER BY r.seq LIMIT "
            + BATCH,
        ps -> {
          for (int i = 0; i < seqs.size(); i++) {
            ps.setLong(i + 2, seqs.get(i));
          }
        });
  }

  /**
   * Re-runs the messages received in [from, to); with a device, only those that produced a
   * measurement of that device or that the device sent (its authenticated identity or source).
   */
  public ReprocessReport range(
      MessageProcessor processor, String device, Instant from, Instant to) {
    return run(
        processor,
        "SELECT "
            + RawMessages.COLUMNS
            + " FROM raw_message r WHERE r.seq > ? AND r.received_at >= ?"
            + " AND r.received_at < ? AND (CAST(? AS TEXT) IS NULL OR r.device_identity = ? OR"
            + " r.source = ? OR EXISTS (SELECT 1 FROM measurement m WHERE m.raw_seq = r.seq AND"
            + " m.device = ?)) ORDER BY r.seq LIMIT "
            + BATCH,
        ps -> {
          ps.setLong(2, Times.micros(from));
          ps.setLong(3, Times.micros(to));
          for (int i = 4; i <= 7; i++) {
            ps.setObject(i, device, java.sql.Types.VARCHAR);
          }
        });
  }

  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  private ReprocessReport run(MessageProcessor processor, String sql, Binder binder) {
    long messages = 0;
    long ok = 0;
    long still = 0;
    long after = 0;
    try (Connection c = db.connection()) {
      while (true) {
        List<StoredRaw> batch;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          ps.setLong(1, after);
          binder.bind(ps);
          batch = RawMessages.read(ps);
        }
        if (batch.isEmpty()) {
          return new ReprocessReport(messages, ok, still);
        }
        List<OutcomeWriter.Processed> processed = OutcomeWriter.process(batch, processor, true);
        List<String> states = writer.commit(c, processed, clock.instant(), () -> {});
        for (String state : states) {
          messages++;
          if (state.equals("processed")) {
            ok++;
          } else {
            still++;
          }
        }
        after = batch.get(batch.size() - 1).seq();
      }
    } catch (SQLException e) {
      throw new StoreException("reprocess failed: " + e.getMessage(), e);
    }
  }
}
