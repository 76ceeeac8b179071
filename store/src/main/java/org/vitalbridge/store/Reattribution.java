package org.vitalbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.vitalbridge.core.model.MeasurementStatus;

/**
 * Re-evaluates, after an association change and in its transaction, who the measurements of a
 * device or bed in the changed interval belong to. A subject named by the device message itself is
 * never touched. Each measurement whose patient changes is amended (when it was final), gets an
 * attribution_history row (and a status_history row when its status changes) and is queued again
 * for every destination through {@link Requeue} (they re-send it under the same id: a FHIR update,
 * an HL7 correction).
 */
final class Reattribution {
  private static final String CANDIDATES =
      "SELECT m.id, m.device, m.location, m.subject, m.observed_at, m.raw_seq, m.status,"
          + " EXISTS (SELECT 1 FROM outbox o WHERE o.raw_seq = m.raw_seq AND o.measurement_id ="
          + " m.id) FROM measurement m WHERE %s AND m.observed_at >= ? AND m.observed_at < ?"
          + " AND (m.subject_source IS NULL OR m.subject_source = 'association')";
  private static final String UPDATE =
      "UPDATE measurement SET subject = ?, subject_source = ?, status = ? WHERE id = ?";
  private static final String HISTORY =
      "INSERT INTO attribution_history (measurement_id, previous_subject, subject, changed_at,"
          + " cause) VALUES (?, ?, ?, ?, ?)";

  /** A device or (device null) a bed, and the interval [from, to) whose attribution changed. */
  record Interval(String device, String location, Instant from, Instant to) {}

  private record Change(
      String id, Long rawSeq, String previous, String subject, String status, boolean queued) {}

  private final List<String> destinations;

  Reattribution(List<String> destinations) {
    this.destinations = List.copyOf(destinations);
  }

  /** Re-evaluates the intervals; returns how many measurements changed patient. */
  int run(Connection c, List<Interval> intervals, Instant now, String cause) throws SQLException {
    Map<String, Change> changes = new LinkedHashMap<>();
    try (Attribution attribution = new Attribution(c)) {
      for (Interval i : intervals) {
        collect(c, attribution, i, changes);
      }
    }
    write(c, changes.values(), now, cause);
    return changes.size();
  }

  private static void collect(
      Connection c, Attribution attribution, Interval interval, Map<String, Change> changes)
      throws SQLException {
    String sql =
        String.format(CANDIDATES, interval.device() != null ? "m.device = ?" : "m.location = ?");
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, interval.device() != null ? interval.device() : interval.location());
      ps.setLong(2, Times.micros(interval.from()));
      ps.setLong(3, interval.to() == null ? Long.MAX_VALUE : Times.micros(interval.to()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String id = rs.getString(1);
          String device = rs.getString(2);
          String location = rs.getString(3);
          String previous = rs.getString(4);
          long observedAt = rs.getLong(5);
          long seq = rs.getLong(6);
          Long rawSeq = rs.wasNull() ? null : seq;
          String status = rs.getString(7);
          boolean queued = rs.getBoolean(8);
          String subject = attribution.subject(device, location, observedAt);
          if (!Objects.equals(previous, subject) && !changes.containsKey(id)) {
            changes.put(id, new Change(id, rawSeq, previous, subject, status, queued));
          }
        }
      }
    }
  }

  private void write(Connection c, Collection<Change> changes, Instant now, String cause)
      throws SQLException {
    if (changes.isEmpty()) {
      return;
    }
    try (PreparedStatement update = c.prepareStatement(UPDATE);
        PreparedStatement history = c.prepareStatement(HISTORY);
        StatusHistory statuses = new StatusHistory(c);
        Requeue requeue = new Requeue(c, destinations)) {
      for (Change ch : changes) {
        String status = status(ch);
        update.setObject(1, ch.subject(), Types.VARCHAR);
        update.setObject(2, ch.subject() == null ? null : "association", Types.VARCHAR);
        update.setString(3, status);
        update.setString(4, ch.id());
        update.addBatch();
        history.setString(1, ch.id());
        history.setObject(2, ch.previous(), Types.VARCHAR);
        history.setObject(3, ch.subject(), Types.VARCHAR);
        history.setLong(4, Times.micros(now));
        history.setObject(5, cause, Types.VARCHAR);
        history.addBatch();
        if (!status.equals(ch.status())) {
          statuses.add(ch.id(), ch.status(), status, Times.micros(now), cause);
        }
        // A held measurement losing nothing stays held; everything else goes out again.
        if (ch.subject() != null || ch.queued()) {
          requeue.add(ch.id(), ch.rawSeq());
        }
      }
      update.executeBatch();
      history.executeBatch();
      statuses.execute();
      requeue.execute();
    }
  }

  /**
   * A final result becomes amended, except when released from hold: no destination has had a
   * version of it, so what they receive first must not read as a correction. Any other status
   * stays: a preliminary result is re-sent as preliminary (its final version may still come and
   * must then supersede it), an amended or retracted one never moves backwards.
   */
  private String status(Change ch) {
    boolean held = ch.previous() == null && !ch.queued() && !destinations.isEmpty();
    boolean isFinal = MeasurementStatus.ofCode(ch.status()) == MeasurementStatus.FINAL;
    return isFinal && !held ? MeasurementStatus.AMENDED.code() : ch.status();
  }
}
