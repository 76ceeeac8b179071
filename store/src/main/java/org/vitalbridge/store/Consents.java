package org.vitalbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Per-patient consent, and the gate of destinations that require it: such a destination receives a
 * patient's measurement only when the newest consent of that patient (by when it was recorded)
 * whose period covers the observation time is a permit. No consent, a deny, or no patient at all
 * means the entry is withheld: it leaves the queue as {@code withheld}, counted per destination,
 * and is queued again when a permit is recorded for the patient.
 */
public final class Consents {
  /** What the patient decided. */
  public enum State {
    PERMIT,
    DENY;

    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static State of(String code) {
      return valueOf(code.strip().toUpperCase(Locale.ROOT));
    }
  }

  /**
   * One consent decision.
   *
   * @param source where it came from: {@code Consent/123} for an imported FHIR Consent, {@code api}
   *     by default; recording again under the same patient and source replaces it
   * @param start first instant covered, or {@code null} for no lower bound
   * @param end last instant covered, or {@code null} for no upper bound
   * @param recordedAt when VitalBridge recorded it (set by {@link #record})
   */
  public record Consent(
      String patient, String source, State state, Instant start, Instant end, Instant recordedAt) {
    public Consent {
      Objects.requireNonNull(patient, "patient");
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(state, "state");
      if (patient.isBlank()) {
        throw new IllegalArgumentException("a consent names a patient");
      }
      if (start != null && end != null && end.isBefore(start)) {
        throw new IllegalArgumentException("a consent period ends before it starts");
      }
    }

    boolean covers(Instant t) {
      return (start == null || !t.isBefore(start)) && (end == null || !t.isAfter(end));
    }
  }

  private final Database db;
  private final Clock clock;
  private final Set<String> gated;

  Consents(Database db, Clock clock, Set<String> gated) {
    this.db = db;
    this.clock = clock;
    this.gated = Set.copyOf(gated);
  }

  /** The destinations that receive consenting patients' data only. */
  public Set<String> gated() {
    return gated;
  }

  /** Whether {@code destination} receives consenting patients' data only. */
  public boolean gates(String destination) {
    return gated.contains(destination);
  }

  /**
   * Records (or replaces, same patient and source) a decision; a permit queues the patient's
   * withheld entries again, to be judged anew. Returns how many were queued again.
   */
  public int record(Consent consent) {
    Consent c =
        new Consent(
            consent.patient(),
            consent.source(),
            consent.state(),
            consent.start(),
            consent.end(),
            clock.instant());
    try (Connection conn = db.connection()) {
      return db.write(
          () -> {
            try (PreparedStatement ps =
                conn.prepareStatement(
                    "INSERT INTO consent (patient, source, state, period_start, period_end,"
                        + " recorded_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (patient, source) DO"
                        + " UPDATE SET state = excluded.state, period_start = excluded.period_start,"
                        + " period_end = excluded.period_end, recorded_at = excluded.recorded_at")) {
              ps.setString(1, c.patient());
              ps.setString(2, c.source());
              ps.setString(3, c.state().code());
              setMicros(ps, 4, c.start());
              setMicros(ps, 5, c.end());
              ps.setLong(6, Times.micros(c.recordedAt()));
              ps.executeUpdate();
            }
            if (c.state() != State.PERMIT) {
              return 0;
            }
            try (PreparedStatement ps =
                conn.prepareStatement(
                    "UPDATE outbox SET state = 'pending', next_attempt_at = 0, last_error = NULL"
                        + " WHERE state = 'withheld' AND measurement_id IN (SELECT id FROM"
                        + " measurement WHERE subject = ?)")) {
              ps.setString(1, c.patient());
              return ps.executeUpdate();
            }
          });
    } catch (SQLException e) {
      throw new StoreException("consent write failed: " + e.getMessage(), e);
    }
  }

  /** A patient's decisions, newest recorded first. */
  public List<Consent> of(String patient) {
    try (Connection c = db.connection()) {
      return of(c, patient);
    } catch (SQLException e) {
      throw new StoreException("consent read failed: " + e.getMessage(), e);
    }
  }

  /** Whether the patient's consent covers data observed at {@code at} (see the class comment). */
  public boolean permits(String patient, Instant at) {
    try (Connection c = db.connection()) {
      return permits(c, patient, at);
    } catch (SQLException e) {
      throw new StoreException("consent read failed: " + e.getMessage(), e);
    }
  }

  static boolean permits(Connection c, String patient, Instant at) throws SQLException {
    if (patient == null) {
      return false;
    }
    for (Consent consent : of(c, patient)) {
      if (consent.covers(at)) {
        return consent.state() == State.PERMIT;
      }
    }
    return false;
  }

  private static List<Consent> of(Connection c, String patient) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT patient, source, state, period_start, period_end, recorded_at FROM consent"
                + " WHERE patient = ? ORDER BY recorded_at DESC, source")) {
      ps.setString(1, patient);
      List<Consent> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new Consent(
                  rs.getString(1),
                  rs.getString(2),
                  State.of(rs.getString(3)),
                  micros(rs, 4),
                  micros(rs, 5),
                  Times.instant(rs.getLong(6))));
        }
      }
      return out;
    }
  }

  private static Instant micros(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : Times.instant(v);
  }

  private static void setMicros(PreparedStatement ps, int index, Instant t) throws SQLException {
    if (t == null) {
      ps.setNull(index, Types.BIGINT);
    } else {
      ps.setLong(index, Times.micros(t));
    }
  }
}
