package org.vitalbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;

/**
 * Time-bounded patient associations of a device or a bed. A new association for the same device (or
 * bed) closes the open one at its start, so at any instant at most one is valid.
 */
public final class Associations {
  private final Database db;

  Associations(Database db) {
    this.db = db;
  }

  /**
   * Associates {@code subject} with {@code device} (or, when device is null, the bed {@code
   * location}) from {@code validFrom}.
   */
  public void associate(
      String device,
      String location,
      String subject,
      String encounter,
      Instant validFrom,
      String source) {
    if (device == null && location == null) {
      throw new IllegalArgumentException("an association needs a device or a location");
    }
    long from = Times.micros(validFrom);
    try (Connection c = db.connection()) {
      Transactions.inTransaction(
          c, () -> insertClosingOthers(c, device, location, subject, encounter, from, source));
    } catch (SQLException e) {
      throw new StoreException("association write failed: " + e.getMessage(), e);
    }
  }

  private static Void insertClosingOthers(
      Connection c,
      String device,
      String location,
      String subject,
      String encounter,
      long from,
      String source)
      throws SQLException {
    try (PreparedStatement close =
            c.prepareStatement(
                "UPDATE association SET valid_to = ? WHERE valid_to IS NULL AND valid_from <= ? AND"
                    + (device != null ? " device = ?" : " device IS NULL AND location = ?"));
        PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO association (device, location, subject, encounter, valid_from, source)"
                    + " VALUES (?, ?, ?, ?, ?, ?)")) {
      close.setLong(1, from);
      close.setLong(2, from);
      close.setString(3, device != null ? device : location);
      close.executeUpdate();
      insert.setObject(1, device, Types.VARCHAR);
      insert.setObject(2, location, Types.VARCHAR);
      insert.setString(3, subject);
      insert.setObject(4, encounter, Types.VARCHAR);
      insert.setLong(5, from);
      insert.setString(6, source);
      insert.executeUpdate();
      endBeforeLaterAssociation(c, device, location, from);
    }
    return null;
  }

  /**
   * A backdated association ends where the next later one starts, so at most one association is
   * valid at any instant.
   */
  private static void endBeforeLaterAssociation(
      Connection c, String device, String location, long from) throws SQLException {
    String who = device != null ? " device = ?" : " device IS NULL AND location = ?";
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE association SET valid_to = (SELECT MIN(l.valid_from) FROM association l WHERE"
                + who.replace("device", "l.device").replace("location", "l.location")
                + " AND l.valid_from > ?) WHERE valid_to IS NULL AND valid_from = ? AND"
                + who
                + " AND EXISTS (SELECT 1 FROM association l WHERE"
                + who.replace("device", "l.device").replace("location", "l.location")
                + " AND l.valid_from > ?)")) {
      String key = device != null ? device : location;
      ps.setString(1, key);
      ps.setLong(2, from);
      ps.setLong(3, from);
      ps.setString(4, key);
      ps.setString(5, key);
      ps.setLong(6, from);
      ps.executeUpdate();
    }
  }

  /** Ends the device's (or bed's) open association at {@code validTo}. */
  public void end(String device, String location, Instant validTo) {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE association SET valid_to = ? WHERE valid_to IS NULL AND"
                    + (device != null ? " device = ?" : " device IS NULL AND location = ?"))) {
      ps.setLong(1, Times.micros(validTo));
      ps.setString(2, device != null ? device : location);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("association update failed: " + e.getMessage(), e);
    }
  }
}
