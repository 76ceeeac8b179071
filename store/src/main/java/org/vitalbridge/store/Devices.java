package org.vitalbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Devices VitalBridge has heard from: presence (online/offline with when and why, from MQTT
 * connect, disconnect and will messages) and last seen (any stored measurement).
 */
public final class Devices {
  public static final String ONLINE = "online";
  public static final String OFFLINE = "offline";

  /**
   * @param connectionState {@code online}, {@code offline} or {@code unknown}
   * @param stateChangedAt when presence last changed, {@code null} if never reported
   * @param stateReason why, e.g. {@code connect}, {@code disconnect}, {@code will}
   */
  public record DeviceState(
      String id,
      String adapter,
      String connectionState,
      Instant lastSeen,
      Instant stateChangedAt,
      String stateReason) {}

  private static final String SELECT =
      "SELECT id, adapter, connection_state, last_seen, state_changed_at, state_reason FROM device";

  private final Database db;

  Devices(Database db) {
    this.db = db;
  }

  /**
   * Records that {@code deviceId} went online or offline at {@code at}. A report older than the
   * recorded change is ignored (events can arrive out of order across connections).
   */
  public void presence(String deviceId, String adapter, boolean online, Instant at, String reason) {
    long micros = Times.micros(at);
    String sql =
        "INSERT INTO device (id, adapter, last_seen, connection_state, state_changed_at,"
            + " state_reason) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
            + " connection_state = excluded.connection_state, state_changed_at ="
            + " excluded.state_changed_at, state_reason = excluded.state_reason, adapter ="
            + " excluded.adapter, last_seen = CASE WHEN excluded.last_seen > device.last_seen THEN"
            + " excluded.last_seen ELSE device.last_seen END WHERE device.state_changed_at IS NULL"
            + " OR device.state_changed_at <= excluded.state_changed_at";
    try (Connection c = db.connection()) {
      db.write(
          () -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
              ps.setString(1, deviceId);
              ps.setString(2, adapter);
              ps.setLong(3, micros);
              ps.setString(4, online ? ONLINE : OFFLINE);
              ps.setLong(5, micros);
              ps.setString(6, reason);
              return ps.executeUpdate();
            }
          });
    } catch (SQLException e) {
      throw new StoreException("device presence write failed: " + e.getMessage(), e);
    }
  }

  /** All devices, most recently seen first. */
  public List<DeviceState> list() {
    return query(SELECT + " ORDER BY last_seen DESC, id", null);
  }

  public Optional<DeviceState> find(String id) {
    return query(SELECT + " WHERE id = ?", id).stream().findFirst();
  }

  private List<DeviceState> query(String sql, String id) {
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      if (id != null) {
        ps.setString(1, id);
      }
      List<DeviceState> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long changed = rs.getLong(5);
          boolean noChange = rs.wasNull();
          out.add(
              new DeviceState(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  Times.instant(rs.getLong(4)),
                  noChange ? null : Times.instant(changed),
                  rs.getString(6)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("device query failed: " + e.getMessage(), e);
    }
  }
}
