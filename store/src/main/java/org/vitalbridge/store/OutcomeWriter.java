package org.vitalbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.core.model.MeasurementFlag;
import org.vitalbridge.core.model.Value;
import org.vitalbridge.core.pipeline.Outcome;

/**
 * Writes what processing raw messages produced, in one transaction: measurements (idempotent by
 * deterministic id) attributed to the associated patient when the message names none, outbox rows
 * per destination (for a measurement without a patient only under {@link
 * UnassociatedPolicy#FORWARD}; {@link UnassociatedPolicy#DROP} does not store it), rejections into
 * quarantine (a message processed before has its open rejections resolved first, so reprocessing
 * moves fixed ones out), device last-seen, and each raw message's state. One batch = one set of
 * prepared statements and JDBC batches, whatever its size.
 */
final class OutcomeWriter {
  private static final String INSERT_MEASUREMENT =
      "INSERT INTO measurement (id, raw_seq, raw_id, device, subject, location, mdc, refid, loinc,"
          + " display, value_kind, value_num, value_text, unit, observed_at, received_at, status,"
          + " flags, adapter, mapping, containment, subject_source) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
          + " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING";
  private static final String INSERT_OUTBOX =
      "INSERT INTO outbox (destination, measurement_id, raw_seq) VALUES (?, ?, ?)"
          + " ON CONFLICT (destination, measurement_id) DO NOTHING";
  private static final String RESOLVE_QUARANTINE =
      "UPDATE quarantine SET resolved_at = ? WHERE raw_seq = ? AND resolved_at IS NULL";
  private static final String INSERT_QUARANTINE =
      "INSERT INTO quarantine (raw_seq, raw_id, stage, reason, field, detail, created_at)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?)";
  private static final String UPSERT_DEVICE =
      "INSERT INTO device (id, adapter, last_seen, connection_state) VALUES (?, ?, ?, 'online')"
          + " ON CONFLICT (id) DO UPDATE SET last_seen = CASE WHEN excluded.last_seen >"
          + " device.last_seen THEN excluded.last_seen ELSE device.last_seen END,"
          + " adapter = excluded.adapter";
  private static final String UPDATE_RAW =
      "UPDATE raw_message SET state = ?, processed_at = ? WHERE seq = ?";

  /** One processed raw message: where it is in the journal, whether it was processed before. */
  record Processed(long rawSeq, String rawId, boolean seenBefore, List<Outcome> outcomes) {}

  /**
   * Runs decode + harmonize over journaled messages (outside any transaction: it is pure work). A
   * message is "seen before" when it is no longer pending, or always when reprocessing.
   */
  static List<Processed> process(
      List<StoredRaw> batch,
      org.vitalbridge.core.pipeline.MessageProcessor processor,
      boolean reprocessing) {
    List<Processed> out = new ArrayList<>(batch.size());
    for (StoredRaw raw : batch) {
      out.add(
          new Processed(
              raw.seq(),
              raw.message().id(),
              reprocessing || !"pending".equals(raw.state()),
              processor.process(raw.message())));
    }
    return out;
  }

  /**
   * What one batch wrote: the state of each raw message, in order, and the measurements dropped.
   */
  private record Written(List<String> states, int dropped, List<Measurement> stored) {}

  /** Work committed together with a batch (the pipeline's cursor). */
  interface AlsoInTransaction {
    void run() throws SQLException;
  }

  private final List<String> destinations;
  private final UnassociatedPolicy unassociated;
  private final ReentrantLock attributionLock;
  private final AtomicLong dropped = new AtomicLong();

  private final Database db;
  private final MeasurementFeed feed;

  OutcomeWriter(
      Database db,
      List<String> destinations,
      UnassociatedPolicy unassociated,
      ReentrantLock attributionLock,
      MeasurementFeed feed) {
    this.db = db;
    this.feed = feed;
    this.destinations = List.copyOf(destinations);
    this.unassociated = unassociated;
    this.attributionLock = attributionLock;
  }

  /** Measurements dropped for want of a patient (policy drop) since the store was opened. */
  long dropped() {
    return dropped.get();
  }

  /**
   * Writes a batch and {@code also} in one transaction; returns the state written for each raw
   * message, in order. Serialized with association changes: attributing against associations that
   * change before the batch commits would leave its measurements outside the re-attribution.
   */
  List<String> commit(Connection c, List<Processed> batch, Instant now, AlsoInTransaction also)
      throws SQLException {
    Written w;
    attributionLock.lock();
    try {
      w =
          db.write(
              () ->
                  Transactions.inTransaction(
                      c,
                      () -> {
                        Written written = write(c, batch, now);
                        also.run();
                        return written;
                      }));
      dropped.addAndGet(w.dropped());
    } finally {
      attributionLock.unlock();
    }
    feed.publish(w.stored());
    return w.states();
  }

  private Written write(Connection c, List<Processed> batch, Instant now) throws SQLException {
    long nowMicros = Times.micros(now);
    List<String> states = new ArrayList<>(batch.size());
    Map<String, Measurement> lastSeen = new LinkedHashMap<>();
    List<Measurement> stored = new ArrayList<>();
    int drops = 0;
    try (PreparedStatement resolve = c.prepareStatement(RESOLVE_QUARANTINE);
        PreparedStatement m = c.prepareStatement(INSERT_MEASUREMENT);
        PreparedStatement o = c.prepareStatement(INSERT_OUTBOX);
        PreparedStatement q = c.prepareStatement(INSERT_QUARANTINE);
        PreparedStatement raw = c.prepareStatement(UPDATE_RAW);
        Attribution attribution = new Attribution(c)) {
      int resolves = 0;
      int measurements = 0;
      int outboxRows = 0;
      int rejections = 0;
      for (Processed p : batch) {
        if (p.seenBefore()) {
          resolve.setLong(1, nowMicros);
          resolve.setLong(2, p.rawSeq());
          resolve.addBatch();
          resolves++;
        }
        int accepted = 0;
        int rejected = 0;
        for (Outcome outcome : p.outcomes()) {
          if (outcome instanceof Outcome.Accepted a) {
            Measurement associated = associate(attribution, a.measurement());
            boolean orphan = associated.subject() == null;
            if (orphan && unassociated == UnassociatedPolicy.DROP) {
              drops++;
            } else {
              bindMeasurement(
                  m, associated, p.rawSeq(), p.rawId(), subjectSource(a.measurement(), associated));
              m.addBatch();
              measurements++;
              stored.add(associated);
            }
            if (!orphan || unassociated == UnassociatedPolicy.FORWARD) {
              for (String dest : destinations) {
                o.setString(1, dest);
                o.setString(2, associated.id().toString());
                o.setLong(3, p.rawSeq());
                o.addBatch();
                outboxRows++;
              }
            }
            lastSeen.merge(
                associated.device().value(),
                associated,
                (x, y) -> x.receivedAt().isAfter(y.receivedAt()) ? x : y);
            accepted++;
          } else {
            Outcome.Rejected r = (Outcome.Rejected) outcome;
            q.setLong(1, p.rawSeq());
            q.setString(2, p.rawId());
            q.setString(3, r.stage());
            q.setString(4, r.rejection().reason().code());
            q.setString(5, r.rejection().field());
            q.setString(6, r.rejection().detail());
            q.setLong(7, nowMicros);
            q.addBatch();
            rejections++;
            rejected++;
          }
        }
        String state = rejected == 0 ? "processed" : accepted == 0 ? "rejected" : "partial";
        raw.setString(1, state);
        raw.setLong(2, nowMicros);
        raw.setLong(3, p.rawSeq());
        raw.addBatch();
        states.add(state);
      }
      if (resolves > 0) {
        resolve.executeBatch();
      }
      if (measurements > 0) {
        m.executeBatch();
      }
      if (outboxRows > 0) {
        o.executeBatch();
      }
      if (rejections > 0) {
        q.executeBatch();
      }
      raw.executeBatch();
    }
    upsertDevices(c, lastSeen.values());
    return new Written(states, drops, stored);
  }

  private static void upsertDevices(Connection c, Iterable<Measurement> latest)
      throws SQLException {
    try (PreparedStatement d = c.prepareStatement(UPSERT_DEVICE)) {
      int n = 0;
      for (Measurement m : latest) {
        d.setString(1, m.device().value());
        d.setString(2, m.provenance().adapter());
        d.setLong(3, Times.micros(m.receivedAt()));
        d.addBatch();
        n++;
      }
      if (n > 0) {
        d.executeBatch();
      }
    }
  }

  /** Attributes a measurement without a patient to the one associated at its observation time. */
  private static Measurement associate(Attribution attribution, Measurement m) throws SQLException {
    if (m.subject() != null) {
      return m;
    }
    String subject =
        attribution.subject(m.device().value(), m.location(), Times.micros(m.observedAt()));
    return subject == null ? m : m.associatedWith(subject, m.location());
  }

  /** Whether the patient came from the message itself or from an association (re-attributable). */
  private static String subjectSource(Measurement decoded, Measurement associated) {
    if (decoded.subject() != null) {
      return "message";
    }
    return associated.subject() != null ? "association" : null;
  }

  private static void bindMeasurement(
      PreparedStatement ps, Measurement m, long rawSeq, String rawId, String subjectSource)
      throws SQLException {
    ps.setString(1, m.id().toString());
    ps.setLong(2, rawSeq);
    ps.setString(3, rawId);
    ps.setString(4, m.device().value());
    ps.setString(5, m.subject());
    ps.setString(6, m.location());
    ps.setInt(7, m.metric().mdc());
    ps.setString(8, m.metric().refId());
    ps.setString(9, m.metric().loinc());
    ps.setString(10, m.metric().display());
    if (m.value() instanceof Value.Quantity q) {
      ps.setString(11, "quantity");
      ps.setDouble(12, q.number().doubleValue());
      ps.setString(13, q.number().toPlainString());
      ps.setString(14, q.unit());
    } else {
      ps.setString(11, kind(m.value()));
      ps.setNull(12, Types.DOUBLE);
      ps.setString(13, m.value().canonicalKey());
      ps.setNull(14, Types.VARCHAR);
    }
    ps.setLong(15, Times.micros(m.observedAt()));
    ps.setLong(16, Times.micros(m.receivedAt()));
    ps.setString(17, m.status().code());
    ps.setString(
        18,
        m.flags().stream().map(MeasurementFlag::code).sorted().collect(Collectors.joining(",")));
    ps.setString(19, m.provenance().adapter());
    ps.setString(20, m.provenance().mapping());
    ps.setString(21, m.containment() == null ? null : m.containment().encode());
    ps.setString(22, subjectSource);
  }

  private static String kind(Value v) {
    if (v instanceof Value.Coded) {
      return "coded";
    }
    return v instanceof Value.Text ? "text" : "series";
  }
}
