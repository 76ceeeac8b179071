package org.vitalbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.core.model.MeasurementFlag;
import org.vitalbridge.core.model.Value;
import org.vitalbridge.core.pipeline.Outcome;

/**
 * Writes what processing one raw message produced, inside the caller's transaction: measurements
 * (idempotent by deterministic id), outbox rows per destination, rejections into quarantine (the
 * message's earlier rejections are resolved first, so reprocessing moves fixed ones out), device
 * last-seen, and the raw message's state.
 */
final class OutcomeWriter {
  private static final String INSERT_MEASUREMENT =
      "INSERT INTO measurement (id, raw_seq, raw_id, device, subject, location, mdc, refid, loinc,"
          + " display, value_kind, value_num, value_text, unit, observed_at, received_at, status,"
          + " flags, adapter, mapping) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
          + " ?, ?, ?) ON CONFLICT (id) DO NOTHING";
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
  private static final String SUBJECT =
      "SELECT subject, location FROM association WHERE (device = ? OR (device IS NULL AND"
          + " location = ?)) AND valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)"
          + " ORDER BY CASE WHEN device IS NULL THEN 1 ELSE 0 END, valid_from DESC LIMIT 1";

  private final List<String> destinations;

  OutcomeWriter(List<String> destinations) {
    this.destinations = List.copyOf(destinations);
  }

  /** Returns the state written for the raw message. */
  String write(Connection c, long rawSeq, String rawId, List<Outcome> outcomes, Instant now)
      throws SQLException {
    long nowMicros = Times.micros(now);
    int accepted = 0;
    int rejected = 0;
    try (PreparedStatement resolve = c.prepareStatement(RESOLVE_QUARANTINE)) {
      resolve.setLong(1, nowMicros);
      resolve.setLong(2, rawSeq);
      resolve.executeUpdate();
    }
    try (PreparedStatement m = c.prepareStatement(INSERT_MEASUREMENT);
        PreparedStatement o = c.prepareStatement(INSERT_OUTBOX);
        PreparedStatement q = c.prepareStatement(INSERT_QUARANTINE);
        PreparedStatement d = c.prepareStatement(UPSERT_DEVICE);
        PreparedStatement s = c.prepareStatement(SUBJECT)) {
      for (Outcome outcome : outcomes) {
        if (outcome instanceof Outcome.Accepted a) {
          Measurement associated = associate(s, a.measurement());
          bindMeasurement(m, associated, rawSeq, rawId);
          m.addBatch();
          for (String dest : destinations) {
            o.setString(1, dest);
            o.setString(2, associated.id().toString());
            o.setLong(3, rawSeq);
            o.addBatch();
          }
          d.setString(1, associated.device().value());
          d.setString(2, associated.provenance().adapter());
          d.setLong(3, Times.micros(associated.receivedAt()));
          d.addBatch();
          accepted++;
        } else {
          Outcome.Rejected r = (Outcome.Rejected) outcome;
          q.setLong(1, rawSeq);
          q.setString(2, rawId);
          q.setString(3, r.stage());
          q.setString(4, r.rejection().reason().code());
          q.setString(5, r.rejection().field());
          q.setString(6, r.rejection().detail());
          q.setLong(7, nowMicros);
          q.addBatch();
          rejected++;
        }
      }
      if (accepted > 0) {
        m.executeBatch();
        d.executeBatch();
        if (!destinations.isEmpty()) {
          o.executeBatch();
        }
      }
      if (rejected > 0) {
        q.executeBatch();
      }
    }
    String state = rejected == 0 ? "processed" : accepted == 0 ? "rejected" : "partial";
    try (PreparedStatement u = c.prepareStatement(UPDATE_RAW)) {
      u.setString(1, state);
      u.setLong(2, nowMicros);
      u.setLong(3, rawSeq);
      u.executeUpdate();
    }
    return state;
  }

  /** Attributes the measurement to the patient associated with its device (or bed) at that time. */
  private static Measurement associate(PreparedStatement s, Measurement m) throws SQLException {
    if (m.subject() != null) {
      return m;
    }
    long at = Times.micros(m.observedAt());
    s.setString(1, m.device().value());
    s.setString(2, m.location());
    s.setLong(3, at);
    s.setLong(4, at);
    try (ResultSet rs = s.executeQuery()) {
      if (rs.next()) {
        String location = m.location() != null ? m.location() : rs.getString(2);
        return m.associatedWith(rs.getString(1), location);
      }
    }
    return m;
  }

  private static void bindMeasurement(
      PreparedStatement ps, Measurement m, long rawSeq, String rawId) throws SQLException {
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
  }

  private static String kind(Value v) {
    if (v instanceof Value.Coded) {
      return "coded";
    }
    return v instanceof Value.Text ? "text" : "series";
  }
}
