package org.vitalbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Finds journaled messages for operators: by device, time and state, or by id. */
public final class RawMessageSearch {
  private final Database db;

  RawMessageSearch(Database db) {
    this.db = db;
  }

  /**
   * Matching messages in journal order. A device matches its authenticated identity, the source
   * address, the {@code device} parameter of the channel's content type (HTTP {@code ?device=},
   * MQTT topic) or a measurement stored from the message.
   */
  public List<StoredRaw> find(RawMessageQuery q) {
    String sql =
        "SELECT "
            + RawMessages.COLUMNS
            + " FROM raw_message r WHERE r.seq > ? AND r.received_at >= ? AND r.received_at < ?"
            + " AND (CAST(? AS TEXT) IS NULL OR r.state = ?)"
            + " AND (CAST(? AS TEXT) IS NULL OR r.device_identity = ? OR r.source = ?"
            + " OR r.content_type LIKE ? ESCAPE '!' OR EXISTS (SELECT 1 FROM measurement m"
            + " WHERE m.raw_seq = r.seq AND m.device = ?))"
            + " ORDER BY r.seq LIMIT ?";
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, q.afterSeq());
      ps.setLong(2, Times.micros(q.from()));
      ps.setLong(3, Times.micros(q.to()));
      ps.setObject(4, q.state(), java.sql.Types.VARCHAR);
      ps.setObject(5, q.state(), java.sql.Types.VARCHAR);
      for (int i = 6; i <= 8; i++) {
        ps.setObject(i, q.device(), java.sql.Types.VARCHAR);
      }
      // A channel that names the device journals it as the content type's last parameter, quoted
      // (JsonTemplateDecoder.contentType): a suffix match finds exactly that device.
      ps.setObject(
          9,
          q.device() == null ? null : "%; device=" + channelSuffix(q.device()),
          java.sql.Types.VARCHAR);
      ps.setObject(10, q.device(), java.sql.Types.VARCHAR);
      ps.setInt(11, q.limit());
      return RawMessages.read(ps);
    } catch (SQLException e) {
      throw new StoreException("raw message search failed: " + e.getMessage(), e);
    }
  }

  /** The message with this journal id (as answered to the sender: {@code rawId}). */
  public Optional<StoredRaw> byId(String id) {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT " + RawMessages.COLUMNS + " FROM raw_message WHERE id = ?")) {
      ps.setString(1, id);
      return RawMessages.read(ps).stream().findFirst();
    } catch (SQLException e) {
      throw new StoreException("raw message lookup failed: " + e.getMessage(), e);
    }
  }

  /** {@code "device"} as the channel quotes it, with LIKE's wildcards and escape escaped. */
  private static String channelSuffix(String device) {
    String quoted = org.vitalbridge.core.pipeline.MediaTypeParameters.quote(device);
    return quoted.replace("!", "!!").replace("%", "!%").replace("_", "!_");
  }
}
