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
 * Every negative HL7 acknowledgment as structured data: the AE/AR/CE/CR we answered a sender
 * ({@code in}) and the ones a destination answered us ({@code out}), searchable by peer, control id
 * and time instead of grepping logs for {@code |ERR|}.
 */
public final class NegativeAcks {
  public static final String INBOUND = "in";
  public static final String OUTBOUND = "out";

  /**
   * One negative acknowledgment.
   *
   * @param direction {@link #INBOUND} or {@link #OUTBOUND}
   * @param peer the sender (inbound) or the destination (outbound)
   * @param controlId MSH-10 of the acknowledged message
   * @param code MSA-1: AE, AR, CE or CR
   * @param errors one entry per ERR segment
   * @param rawId journal id of the inbound message, {@code null} outbound
   */
  public record Entry(
      long seq,
      Instant at,
      String direction,
      String peer,
      String controlId,
      String code,
      List<Error> errors,
      String rawId) {
    public Entry {
      errors = List.copyOf(errors);
    }
  }

  /** One ERR segment: ERR-2 location, ERR-3 code (table 0357), the text. */
  public record Error(String location, String code, String text) {}

  private final Database db;
  private final Clock clock;

  NegativeAcks(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  public void record(
      String direction,
      String peer,
      String controlId,
      String code,
      List<Error> errors,
      String rawId) {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO hl7_nack (at, direction, peer, control_id, code, errors, raw_id)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, Times.micros(clock.instant()));
      ps.setString(2, direction);
      ps.setString(3, peer);
      ps.setString(4, controlId);
      ps.setString(5, code);
      ps.setString(6, encode(errors));
      ps.setString(7, rawId);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("negative acknowledgment write failed: " + e.getMessage(), e);
    }
  }

  /**
   * Newest first. {@code peer} and {@code controlId} filter when not {@code null}; {@code since}
   * bounds the time when not {@code null}.
   */
  public List<Entry> find(String peer, String controlId, Instant since, int limit) {
    return search(new Search(null, peer, controlId, null, since, Long.MAX_VALUE, limit));
  }

  /**
   * What to list, newest first; a {@code null} filter matches everything.
   *
   * @param direction {@link #INBOUND} or {@link #OUTBOUND}
   * @param code MSA-1 (AE, AR, CE, CR)
   * @param beforeSeq only entries older than this sequence number (a page cursor)
   */
  public record Search(
      String direction,
      String peer,
      String controlId,
      String code,
      Instant since,
      long beforeSeq,
      int limit) {}

  public List<Entry> search(Search q) {
    String sql =
        "SELECT seq, at, direction, peer, control_id, code, errors, raw_id FROM hl7_nack WHERE"
            + " (? IS NULL OR peer = ?) AND (? IS NULL OR control_id = ?) AND at >= ?"
            + " AND (? IS NULL OR direction = ?) AND (? IS NULL OR code = ?) AND seq < ?"
            + " ORDER BY seq DESC LIMIT ?";
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, q.peer());
      ps.setString(2, q.peer());
      ps.setString(3, q.controlId());
      ps.setString(4, q.controlId());
      ps.setLong(5, q.since() == null ? Long.MIN_VALUE : Times.micros(q.since()));
      ps.setString(6, q.direction());
      ps.setString(7, q.direction());
      ps.setString(8, q.code());
      ps.setString(9, q.code());
      ps.setLong(10, q.beforeSeq());
      ps.setInt(11, q.limit());
      List<Entry> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new Entry(
                  rs.getLong(1),
                  Times.instant(rs.getLong(2)),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getString(6),
                  decode(rs.getString(7)),
                  rs.getString(8)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("negative acknowledgment query failed: " + e.getMessage(), e);
    }
  }

  /** One line per error, tab-separated; tabs and newlines inside the text become spaces. */
  private static String encode(List<Error> errors) {
    StringBuilder b = new StringBuilder();
    for (Error e : errors) {
      if (b.length() > 0) {
        b.append('\n');
      }
      b.append(clean(e.location())).append('\t').append(clean(e.code())).append('\t');
      b.append(clean(e.text()));
    }
    return b.toString();
  }

  private static String clean(String s) {
    return s == null ? "" : s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
  }

  private static List<Error> decode(String s) {
    List<Error> out = new ArrayList<>();
    if (s == null || s.isEmpty()) {
      return out;
    }
    for (String line : s.split("\n")) {
      String[] p = line.split("\t", 3);
      out.add(new Error(p[0], p.length > 1 ? p[1] : "", p.length > 2 ? p[2] : ""));
    }
    return out;
  }
}
