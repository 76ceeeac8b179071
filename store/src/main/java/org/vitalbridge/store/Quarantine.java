package org.vitalbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Rejected messages: what was rejected, why, and the raw bytes as received. */
public final class Quarantine {
  public static final String REPROCESSED = "reprocessed";
  public static final String DISCARDED = "discarded";

  private static final String COLUMNS =
      "seq, raw_seq, raw_id, stage, reason, field, detail, created_at, resolved_at, resolution,"
          + " resolution_note";

  private final Database db;
  private final Clock clock;

  Quarantine(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** Unresolved rejections, oldest first. */
  public List<QuarantineEntry> open(int limit) {
    return find(null, true, 0, limit);
  }

  /**
   * Rejections after {@code afterSeq} (a cursor: the last seq of the previous page), oldest first.
   *
   * @param reason only this machine-readable reason (e.g. {@code out-of-range}), or any when null
   * @param openOnly only unresolved ones, else resolved ones too
   */
  public List<QuarantineEntry> find(String reason, boolean openOnly, long afterSeq, int limit) {
    String sql =
        "SELECT "
            + COLUMNS
            + " FROM quarantine WHERE seq > ? AND (CAST(? AS TEXT) IS NULL OR reason = ?)"
            + (openOnly ? " AND resolved_at IS NULL" : "")
            + " ORDER BY seq LIMIT ?";
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, afterSeq);
      ps.setObject(2, reason, java.sql.Types.VARCHAR);
      ps.setObject(3, reason, java.sql.Types.VARCHAR);
      ps.setInt(4, limit);
      return read(ps);
    } catch (SQLException e) {
      throw new StoreException("quarantine query failed: " + e.getMessage(), e);
    }
  }

  /** One rejection, open or resolved. */
  public Optional<QuarantineEntry> entry(long seq) {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement("SELECT " + COLUMNS + " FROM quarantine WHERE seq = ?")) {
      ps.setLong(1, seq);
      return read(ps).stream().findFirst();
    } catch (SQLException e) {
      throw new StoreException("quarantine lookup failed: " + e.getMessage(), e);
    }
  }

  /**
   * Gives up an open rejection: it leaves the open quarantine with {@code note} as the reason, and
   * its raw message may then be purged by retention. Returns false when the entry is not open (or
   * does not exist): a discard is never applied twice, nor over a reprocess.
   */
  public boolean discard(long seq, String note) {
    Objects.requireNonNull(note, "note");
    String sql =
        "UPDATE quarantine SET resolved_at = ?, resolution = '"
            + DISCARDED
            + "', resolution_note = ? WHERE seq = ? AND resolved_at IS NULL";
    try (Connection c = db.connection()) {
      return db.write(
              () -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                  ps.setLong(1, Times.micros(clock.instant()));
                  ps.setString(2, note);
                  ps.setLong(3, seq);
                  return ps.executeUpdate();
                }
              })
          > 0;
    } catch (SQLException e) {
      throw new StoreException("quarantine discard failed: " + e.getMessage(), e);
    }
  }

  public long openCount() {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement("SELECT COUNT(*) FROM quarantine WHERE resolved_at IS NULL");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new StoreException("quarantine count failed: " + e.getMessage(), e);
    }
  }

  /** Open rejections per adapter that received the message. */
  public java.util.Map<String, Long> openPerAdapter() {
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    openPerChannel().forEach(ch -> out.merge(ch.adapter(), ch.count(), Long::sum));
    return out;
  }

  /**
   * Open rejections per device, where the message names it: its authenticated identity, else the
   * device its channel named (HTTP {@code ?device=}, MQTT topic). Others are not counted.
   */
  public java.util.Map<String, Long> openPerDevice() {
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    for (Channel ch : openPerChannel()) {
      String device = ch.identity();
      if (device == null && ch.contentType() != null) {
        device =
            org.vitalbridge.core.pipeline.MediaTypeParameters.parse(ch.contentType()).get("device");
      }
      if (device != null) {
        out.merge(device, ch.count(), Long::sum);
      }
    }
    return out;
  }

  private record Channel(String adapter, String contentType, String identity, long count) {}

  private List<Channel> openPerChannel() {
    String sql =
        "SELECT r.adapter, r.content_type, r.device_identity, COUNT(*) FROM quarantine q JOIN"
            + " raw_message r ON r.seq = q.raw_seq WHERE q.resolved_at IS NULL"
            + " GROUP BY r.adapter, r.content_type, r.device_identity";
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      List<Channel> out = new ArrayList<>();
      while (rs.next()) {
        out.add(new Channel(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("quarantine count failed: " + e.getMessage(), e);
    }
  }

  /** The raw message a rejection points at, exactly as received. */
  public Optional<StoredRaw> raw(long rawSeq) {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT " + RawMessages.COLUMNS + " FROM raw_message WHERE seq = ?")) {
      ps.setLong(1, rawSeq);
      return RawMessages.read(ps).stream().findFirst();
    } catch (SQLException e) {
      throw new StoreException("raw message lookup failed: " + e.getMessage(), e);
    }
  }

  private static List<QuarantineEntry> read(PreparedStatement ps) throws SQLException {
    List<QuarantineEntry> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        long resolved = rs.getLong(9);
        boolean open = rs.wasNull();
        out.add(
            new QuarantineEntry(
                rs.getLong(1),
                rs.getLong(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getString(7),
                Times.instant(rs.getLong(8)),
                open ? null : Times.instant(resolved),
                open ? null : (rs.getString(10) == null ? REPROCESSED : rs.getString(10)),
                rs.getString(11)));
      }
    }
    return out;
  }
}
