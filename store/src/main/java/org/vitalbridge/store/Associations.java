package org.vitalbridge.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * Time-bounded patient associations of a device or a bed: at any instant at most one is valid for a
 * device (or bed), and at most one bed association for a patient, whatever order the changes arrive
 * in: a bed association ends where the patient's next one at another bed starts, and a new one ends
 * the patient's stay at another bed that began earlier. Every change re-attributes, in the same
 * transaction, the measurements whose patient it changes (see {@link Reattribution}) and returns
 * how many. Cancelled associations are kept as history and attribute nothing. Each operation is
 * idempotent: applied again with the same content (or the same non-null cause) it changes nothing.
 */
public final class Associations {
  private final Database db;
  private final Clock clock;
  private final ReentrantLock attributionLock;
  private final Reattribution reattribution;

  Associations(
      Database db, Clock clock, ReentrantLock attributionLock, Reattribution reattribution) {
    this.db = db;
    this.clock = clock;
    this.attributionLock = attributionLock;
    this.reattribution = reattribution;
  }

  private interface Operation {
    void apply(Connection c, AssociationChanges changes) throws SQLException;
  }

  /**
   * Associates {@code subject} with {@code device} (or, when device is null, the bed {@code
   * location}) from {@code validFrom}.
   */
  public int associate(
      String device,
      String location,
      String subject,
      String encounter,
      Instant validFrom,
      String source) {
    return associate(device, location, subject, encounter, validFrom, source, null);
  }

  /**
   * As {@link #associate(String, String, String, String, Instant, String)}, recording {@code cause}
   * (e.g. the ADT message). Returns the number of measurements re-attributed.
   */
  public int associate(
      String device,
      String location,
      String subject,
      String encounter,
      Instant validFrom,
      String source,
      String cause) {
    if (device == null && location == null) {
      throw new IllegalArgumentException("an association needs a device or a location");
    }
    Objects.requireNonNull(subject, "subject");
    return change(
        cause,
        (c, changes) -> {
          List<Association> rows = AssociationRows.of(c, device, location);
          boolean same =
              rows.stream()
                  .anyMatch(
                      a ->
                          a.validFrom().equals(validFrom)
                              && a.subject().equals(subject)
                              && Objects.equals(a.encounter(), encounter)
                              && (!a.cancelled() || (cause != null && a.causes().contains(cause))));
          if (!same) {
            changes.associate(device, location, subject, encounter, validFrom, source);
          }
        });
  }

  /** Ends the device's (or bed's) association valid at {@code validTo}, whoever it names. */
  public int end(String device, String location, Instant validTo) {
    return end(device, location, null, validTo, null);
  }

  /**
   * Ends, at {@code validTo}, the association valid then of the device (or bed), only if it names
   * {@code subject} when one is given. With neither device nor bed, ends {@code subject}'s bed
   * association valid then, wherever it is (a discharge that names no bed).
   */
  public int end(String device, String location, String subject, Instant validTo, String cause) {
    if (device == null && location == null && subject == null) {
      throw new IllegalArgumentException("ending an association needs a device, bed or subject");
    }
    return change(
        cause,
        (c, changes) -> {
          List<Association> rows =
              device == null && location == null
                  ? AssociationRows.bedsOf(c, subject)
                  : AssociationRows.of(c, device, location);
          if (applied(rows, cause)) {
            return;
          }
          for (Association a : rows) {
            if (a.covers(validTo) && (subject == null || a.subject().equals(subject))) {
              changes.end(a, validTo);
            }
          }
        });
  }

  /**
   * Moves {@code subject} to bed {@code toBed} at {@code at}: ends their bed association valid then
   * at {@code fromBed} (or, when that names none, at any other bed) and associates the new bed.
   */
  public int transfer(
      String subject,
      String encounter,
      String fromBed,
      String toBed,
      Instant at,
      String source,
      String cause) {
    Objects.requireNonNull(toBed, "toBed");
    return change(
        cause,
        (c, changes) -> {
          List<Association> beds = AssociationRows.bedsOf(c, subject);
          if (applied(beds, cause)) {
            return;
          }
          List<Association> current =
              beds.stream().filter(a -> a.covers(at) && !a.location().equals(toBed)).toList();
          List<Association> named =
              current.stream().filter(a -> a.location().equals(fromBed)).toList();
          for (Association a : named.isEmpty() ? current : named) {
            changes.end(a, at);
          }
          boolean there =
              beds.stream()
                  .anyMatch(
                      a ->
                          !a.cancelled()
                              && a.location().equals(toBed)
                              && a.validFrom().equals(at)
                              && Objects.equals(a.encounter(), encounter));
          if (!there) {
            changes.associate(null, toBed, subject, encounter, at, source);
          }
        });
  }

  /**
   * Cancels the latest bed association of {@code subject} (at {@code bed} when given, in {@code
   * encounter} when both name one) and re-opens what it had closed (ADT A11, cancel admit).
   */
  public int cancelAdmit(String bed, String subject, String encounter, String cause) {
    return change(
        cause,
        (c, changes) -> {
          List<Association> beds = AssociationRows.bedsOf(c, subject);
          Optional<Association> admit =
              applied(beds, cause) ? Optional.empty() : latest(beds, liveAt(bed, encounter));
          if (admit.isPresent()) {
            changes.cancel(admit.get(), true);
          }
        });
  }

  /**
   * Cancels a transfer of {@code subject} (ADT A12): the association at {@code cancelledBed} (or at
   * any bed but {@code restoredBed}) that began when their association at {@code restoredBed} ended
   * is cancelled, and the one at {@code restoredBed} re-opened.
   */
  public int cancelTransfer(
      String subject, String encounter, String restoredBed, String cancelledBed, String cause) {
    Objects.requireNonNull(restoredBed, "restoredBed");
    return change(
        cause,
        (c, changes) -> {
          List<Association> beds = AssociationRows.bedsOf(c, subject);
          if (applied(beds, cause)) {
            return;
          }
          List<Association> moves =
              beds.stream()
                  .filter(liveAt(cancelledBed, encounter))
                  .filter(a -> !a.location().equals(restoredBed))
                  .sorted(Comparator.comparing(Association::validFrom).reversed())
                  .toList();
          for (Association moved : moves) {
            Optional<Association> left =
                beds.stream()
                    .filter(a -> !a.cancelled() && a.location().equals(restoredBed))
                    .filter(a -> moved.validFrom().equals(a.validTo()))
                    .findFirst();
            if (left.isPresent()) {
              changes.cancel(moved, true);
              changes.reopen(left.get().seq());
              return;
            }
          }
        });
  }

  /**
   * Re-opens the latest bed association of {@code subject} (at {@code bed} when given) when it has
   * ended, up to the next association of that bed if any (ADT A13, cancel discharge).
   */
  public int cancelDischarge(String bed, String subject, String encounter, String cause) {
    return change(
        cause,
        (c, changes) -> {
          List<Association> beds = AssociationRows.bedsOf(c, subject);
          Optional<Association> stay =
              applied(beds, cause) ? Optional.empty() : latest(beds, liveAt(bed, encounter));
          if (stay.isPresent() && stay.get().validTo() != null) {
            changes.reopen(stay.get().seq());
          }
        });
  }

  /** The live association of the device (or bed) valid at {@code at}. */
  public Optional<Association> at(String device, String location, Instant at) {
    return history(device, location).stream().filter(a -> a.covers(at)).findFirst();
  }

  /** Every association of the device (or bed), cancelled ones included, oldest first. */
  public List<Association> history(String device, String location) {
    try (Connection c = db.connection()) {
      return AssociationRows.of(c, device, location);
    } catch (SQLException e) {
      throw new StoreException("association read failed: " + e.getMessage(), e);
    }
  }

  private static Predicate<Association> liveAt(String bed, String encounter) {
    return a ->
        !a.cancelled() && (bed == null || a.location().equals(bed)) && !a.otherEncounter(encounter);
  }

  private static Optional<Association> latest(List<Association> rows, Predicate<Association> p) {
    return rows.stream().filter(p).max(Comparator.comparing(Association::validFrom));
  }

  /**
   * Under SQLite's WAL a transaction that reads and then writes fails at once
   * (SQLITE_BUSY_SNAPSHOT) when the journal commits in between, which would answer an ADT with an
   * error; writing first takes the write lock up front and waits out the busy timeout instead.
   */
  private void takeWriteLock(Connection c) throws SQLException {
    if (db.isSqlite()) {
      try (Statement s = c.createStatement()) {
        s.executeUpdate("UPDATE association SET cause = cause WHERE seq < 0");
      }
    }
  }

  /** Whether a change with this cause was already applied (a resent message). */
  private static boolean applied(List<Association> rows, String cause) {
    return cause != null && rows.stream().anyMatch(a -> a.causes().contains(cause));
  }

  /**
   * Runs one operation and the re-attribution it implies in one transaction, serialized with the
   * pipeline's writes: a measurement being written while an association changes is either seen by
   * the re-attribution or attributed by the pipeline against the new state, never missed.
   */
  private int change(String cause, Operation operation) {
    try (Connection c = db.connection()) {
      attributionLock.lock();
      try {
        return db.write(
            () ->
                Transactions.inTransaction(
                    c,
                    () -> {
                      takeWriteLock(c);
                      Instant now = clock.instant();
                      AssociationChanges changes = new AssociationChanges(c, now, cause);
                      operation.apply(c, changes);
                      return reattribution.run(c, changes.affected(), now, cause);
                    }));
      } finally {
        attributionLock.unlock();
      }
    } catch (SQLException e) {
      throw new StoreException("association update failed: " + e.getMessage(), e);
    }
  }
}
