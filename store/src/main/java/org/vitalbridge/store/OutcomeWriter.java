package org.vitalbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.core.model.MeasurementFlag;
import org.vitalbridge.core.model.MeasurementStatus;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;
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
 *
 * <p>Result status (ADR 0014): a measurement arriving with the id of a stored one changes at most
 * its status, and only forward ({@link MeasurementStatus#supersedes}: a late preliminary after the
 * final changes nothing); the change gets a {@code status_history} row, is queued again for the
 * destinations that have it queued ({@link Requeue}) and is offered to the live feed. A retraction
 * without a value ({@link Value.Absent}) marks every stored measurement of its device, metric and
 * time entered-in-error and is never stored itself; a retraction that matches nothing stored is
 * quarantined ({@link RejectionReason#UNMATCHED_RETRACTION}, stage {@code store}). Changes follow
 * journal order also within one batch.
 */
final class OutcomeWriter {
  private static final String INSERT_MEASUREMENT =
      "INSERT INTO measurement (id, raw_seq, raw_id, device, subject, location, mdc, refid, loinc,"
          + " display, value_kind, value_num, value_text, unit, observed_at, received_at, status,"
          + " flags, adapter, mapping, containment, subject_source, value_display) VALUES (?, ?, ?,"
          + " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO"
          + " NOTHING";
  private static final String INSERT_OUTBOX =
      "INSERT INTO outbox (destination, measurement_id, raw_seq) VALUES (?, ?, ?)"
          + " ON CONFLICT (destination, measurement_id) DO NOTHING";
  private static final String RESOLVE_QUARANTINE =
      "UPDATE quarantine SET resolved_at = ?, resolution = 'reprocessed' WHERE raw_seq = ? AND"
          + " resolved_at IS NULL";
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
  private static final String UPDATE_STATUS = "UPDATE measurement SET status = ? WHERE id = ?";

  /** The quarantine stage of what only the store can refuse (a retraction that matches nothing). */
  static final String STORE_STAGE = "store";

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
    Map<String, Known> known = known(c, batch);
    StatusChanges changes = new StatusChanges();
    int drops = 0;
    try (PreparedStatement resolve = c.prepareStatement(RESOLVE_QUARANTINE);
        PreparedStatement m = c.prepareStatement(INSERT_MEASUREMENT);
        PreparedStatement o = c.prepareStatement(INSERT_OUTBOX);
        PreparedStatement q = c.prepareStatement(INSERT_QUARANTINE);
        PreparedStatement raw = c.prepareStatement(UPDATE_RAW);
        Attribution attribution = new Attribution(c)) {
      Batches inserts = new Batches(m, o);
      int resolves = 0;
      int rejections = 0;
      for (Processed p : batch) {
        if (p.seenBefore()) {
          resolve.setLong(1, nowMicros);
          resolve.setLong(2, p.rawSeq());
          resolve.addBatch();
          resolves++;
        }
        String cause = "raw " + p.rawId();
        int accepted = 0;
        int rejected = 0;
        for (Outcome outcome : p.outcomes()) {
          Rejection refused = null;
          String stage = null;
          if (outcome instanceof Outcome.Accepted a) {
            Measurement incoming = a.measurement();
            Known k = known.get(incoming.id().toString());
            if (incoming.value() instanceof Value.Absent) {
              // A retraction without a value: every stored measurement of the slot, none inserted.
              inserts.flush();
              List<Known> slot = slot(c, incoming, known);
              for (Known target : slot) {
                changes.advance(target, incoming.status(), cause);
              }
              refused = slot.isEmpty() ? unmatched(incoming) : null;
            } else if (k != null) {
              // Stored before (or earlier in this batch): at most its status moves forward.
              changes.advance(k, incoming.status(), cause);
              Measurement associated = associate(attribution, incoming);
              if (queues(associated)) {
                inserts.outbox(destinations, incoming.id(), p.rawSeq());
                k.queued |= !destinations.isEmpty();
              }
            } else if (incoming.status() == MeasurementStatus.ENTERED_IN_ERROR) {
              // A retraction of something never stored is kept visible, never stored as a value.
              refused = unmatched(incoming);
            } else {
              if (incoming.status() == MeasurementStatus.AMENDED) {
                inserts.flush();
                supersede(c, incoming, known, changes, cause);
              }
              Measurement associated = associate(attribution, incoming);
              boolean orphan = associated.subject() == null;
              if (orphan && unassociated == UnassociatedPolicy.DROP) {
                drops++;
              } else {
                bindMeasurement(
                    m, associated, p.rawSeq(), p.rawId(), subjectSource(incoming, associated));
                inserts.measurement();
                stored.add(associated);
                boolean queued = queues(associated) && !destinations.isEmpty();
                known.put(associated.id().toString(), new Known(associated, p.rawSeq(), queued));
              }
              if (queues(associated)) {
                inserts.outbox(destinations, associated.id(), p.rawSeq());
              }
            }
            if (refused == null) {
              lastSeen.merge(
                  incoming.device().value(),
                  incoming,
                  (x, y) -> x.receivedAt().isAfter(y.receivedAt()) ? x : y);
              accepted++;
              continue;
            }
            stage = STORE_STAGE;
          } else {
            Outcome.Rejected r = (Outcome.Rejected) outcome;
            refused = r.rejection();
            stage = r.stage();
          }
          q.setLong(1, p.rawSeq());
          q.setString(2, p.rawId());
          q.setString(3, stage);
          q.setString(4, refused.reason().code());
          q.setString(5, refused.field());
          q.setString(6, refused.detail());
          q.setLong(7, nowMicros);
          q.addBatch();
          rejections++;
          rejected++;
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
      inserts.flush();
      stored.addAll(changes.apply(c, destinations, nowMicros));
      if (rejections > 0) {
        q.executeBatch();
      }
      raw.executeBatch();
    }
    upsertDevices(c, lastSeen.values());
    return new Written(states, drops, stored);
  }

  /** Whether a measurement goes to the destinations now: with a patient, or under forward. */
  private boolean queues(Measurement associated) {
    return associated.subject() != null || unassociated == UnassociatedPolicy.FORWARD;
  }

  /** The quarantine entry of a retraction that names nothing stored. */
  private static Rejection unmatched(Measurement retraction) {
    String what =
        retraction.value() instanceof Value.Absent
            ? "no stored measurement of "
            : "no stored measurement with the value " + retraction.value().canonicalKey() + " of ";
    return new Rejection(
        RejectionReason.UNMATCHED_RETRACTION,
        null,
        "retraction (entered-in-error) of "
            + retraction.metric().refId()
            + " from device "
            + retraction.device().value()
            + " at "
            + retraction.observedAt()
            + " matches "
            + what
            + "that device, metric and time; nothing was retracted");
  }

  /**
   * The measurement and outbox inserts of a batch, executed together at the end — or earlier, when
   * a retraction must see what this batch has inserted so far.
   */
  private static final class Batches {
    private final PreparedStatement measurements;
    private final PreparedStatement outbox;
    private int pendingMeasurements;
    private int pendingOutbox;

    Batches(PreparedStatement measurements, PreparedStatement outbox) {
      this.measurements = measurements;
      this.outbox = outbox;
    }

    void measurement() throws SQLException {
      measurements.addBatch();
      pendingMeasurements++;
    }

    void outbox(List<String> destinations, UUID id, long rawSeq) throws SQLException {
      for (String dest : destinations) {
        outbox.setString(1, dest);
        outbox.setString(2, id.toString());
        outbox.setLong(3, rawSeq);
        outbox.addBatch();
        pendingOutbox++;
      }
    }

    void flush() throws SQLException {
      if (pendingMeasurements > 0) {
        measurements.executeBatch();
        pendingMeasurements = 0;
      }
      if (pendingOutbox > 0) {
        outbox.executeBatch();
        pendingOutbox = 0;
      }
    }
  }

  /**
   * A measurement the store holds (or this batch inserts): as stored, its status as it will be
   * after this batch's changes so far, and whether any destination has it queued.
   */
  private static final class Known {
    final Measurement stored;
    final Long rawSeq;
    MeasurementStatus status;
    boolean queued;

    Known(Measurement stored, Long rawSeq, boolean queued) {
      this.stored = stored;
      this.rawSeq = rawSeq;
      this.status = stored.status();
      this.queued = queued;
    }
  }

  /** Stored columns, the raw message and whether an outbox row exists, for {@link Known}. */
  private static final String KNOWN_COLUMNS =
      "SELECT "
          + "m."
          + MeasurementQueries.COLUMNS.replace(", ", ", m.")
          + ", m.raw_seq, EXISTS (SELECT 1 FROM outbox o WHERE o.raw_seq = m.raw_seq AND"
          + " o.measurement_id = m.id) FROM measurement m WHERE ";

  private static final int IDS_PER_QUERY = 500;

  /** The stored measurements this batch's measurements name, by id (one query per 500 ids). */
  private static Map<String, Known> known(Connection c, List<Processed> batch) throws SQLException {
    List<String> ids = new ArrayList<>();
    for (Processed p : batch) {
      for (Outcome outcome : p.outcomes()) {
        if (outcome instanceof Outcome.Accepted a
            && !(a.measurement().value() instanceof Value.Absent)) {
          ids.add(a.measurement().id().toString());
        }
      }
    }
    Map<String, Known> known = new HashMap<>();
    for (int from = 0; from < ids.size(); from += IDS_PER_QUERY) {
      List<String> chunk = ids.subList(from, Math.min(ids.size(), from + IDS_PER_QUERY));
      String sql =
          KNOWN_COLUMNS
              + "m.id IN ("
              + String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"))
              + ")";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < chunk.size(); i++) {
          ps.setString(i + 1, chunk.get(i));
        }
        readKnown(ps, known);
      }
    }
    return known;
  }

  /**
   * Every stored measurement of the retraction's device, metric and observation time (this batch's
   * inserts included: they are flushed first), each as known so far.
   */
  private static List<Known> slot(Connection c, Measurement retraction, Map<String, Known> known)
      throws SQLException {
    Map<String, Known> found = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            KNOWN_COLUMNS
                + "m.device = ? AND m.mdc = ? AND m.observed_at = ? ORDER BY m.received_at, m.id")) {
      ps.setString(1, retraction.device().value());
      ps.setInt(2, retraction.metric().mdc());
      ps.setLong(3, Times.micros(retraction.observedAt()));
      readKnown(ps, found);
    }
    List<Known> slot = new ArrayList<>();
    for (Map.Entry<String, Known> e : found.entrySet()) {
      slot.add(known.computeIfAbsent(e.getKey(), id -> e.getValue()));
    }
    return slot;
  }

  /**
   * A correction (amended) with a value no stored measurement has replaces the earlier value(s) of
   * the same observation — device, metric, time and containment path: they become entered-in-error
   * (and go out again as such), so a reader never sees both the wrong and the corrected value as
   * valid. The earlier rows stay, with their status history, for the record.
   */
  private static void supersede(
      Connection c,
      Measurement correction,
      Map<String, Known> known,
      StatusChanges changes,
      String cause)
      throws SQLException {
    for (Known earlier : slot(c, correction, known)) {
      Measurement m = earlier.stored;
      if (!m.id().equals(correction.id())
          && Objects.equals(m.containment(), correction.containment())) {
        changes.advance(
            earlier,
            MeasurementStatus.ENTERED_IN_ERROR,
            cause + ", superseded by corrected value " + correction.value().canonicalKey());
      }
    }
  }

  private static void readKnown(PreparedStatement ps, Map<String, Known> into) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        StoredMeasurement s = StoredMeasurements.at(rs, 1);
        long seq = rs.getLong(20);
        Long rawSeq = rs.wasNull() ? null : seq;
        into.put(s.id().toString(), new Known(s.toMeasurement(), rawSeq, rs.getBoolean(21)));
      }
    }
  }

  /**
   * The status changes of one batch, in order: each known measurement's status moves only forward
   * ({@link MeasurementStatus#supersedes}); applied after the batch's inserts.
   */
  private static final class StatusChanges {
    private record Step(
        Known known, MeasurementStatus previous, MeasurementStatus status, String cause) {}

    private final List<Step> steps = new ArrayList<>();

    void advance(Known k, MeasurementStatus status, String cause) {
      if (status.supersedes(k.status)) {
        steps.add(new Step(k, k.status, status, cause));
        k.status = status;
      }
    }

    /**
     * Writes the new statuses and their history and queues each changed measurement again where it
     * was queued (a held one stays held, with its new status); returns them as they now are.
     */
    List<Measurement> apply(Connection c, List<String> destinations, long nowMicros)
        throws SQLException {
      if (steps.isEmpty()) {
        return List.of();
      }
      Map<String, Known> changed = new LinkedHashMap<>();
      try (PreparedStatement update = c.prepareStatement(UPDATE_STATUS);
          StatusHistory history = new StatusHistory(c);
          Requeue requeue = new Requeue(c, destinations)) {
        for (Step s : steps) {
          String id = s.known().stored.id().toString();
          update.setString(1, s.status().code());
          update.setString(2, id);
          update.addBatch();
          history.add(id, s.previous().code(), s.status().code(), nowMicros, s.cause());
          changed.put(id, s.known());
        }
        update.executeBatch();
        history.execute();
        for (Map.Entry<String, Known> e : changed.entrySet()) {
          if (e.getValue().queued) {
            requeue.add(e.getKey(), e.getValue().rawSeq);
          }
        }
        requeue.execute();
      }
      List<Measurement> now = new ArrayList<>(changed.size());
      for (Known k : changed.values()) {
        now.add(k.stored.withStatus(k.status));
      }
      return now;
    }
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
    ps.setString(23, m.value() instanceof Value.Coded c ? c.display() : null);
  }

  private static String kind(Value v) {
    if (v instanceof Value.Coded) {
      return "coded";
    }
    if (v instanceof Value.Text) {
      return "text";
    }
    if (v instanceof Value.SampledSeries) {
      return "series";
    }
    throw new IllegalStateException("a " + v.getClass().getSimpleName() + " value is never stored");
  }
}
