package org.vitalbridge.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The row changes of one association operation, inside its transaction. Keeps at most one live
 * association per device (or bed) at any instant and at most one live bed association per patient
 * (a patient occupies one bed at a time, whatever order the ADT feed arrives in), records the
 * operation's cause on every row it touches, and collects the intervals whose attribution may have
 * changed, so that measurements are re-evaluated once against the final state (never against a
 * half-applied one).
 */
final class AssociationChanges {
  private final Connection c;
  private final Instant now;
  private final String cause;
  private final List<Reattribution.Interval> affected = new ArrayList<>();

  AssociationChanges(Connection c, Instant now, String cause) {
    this.c = c;
    this.now = now;
    this.cause = cause;
  }

  List<Reattribution.Interval> affected() {
    return affected;
  }

  /**
   * Adds an association from {@code from}. It ends where the next later one starts (a backdated
   * one), closes the one it interrupts at its start, and supersedes one starting at the same time.
   * A bed association also ends where the patient's next one at another bed starts (a transfer out
   * applied before the admission), and ends, at its start, the patient's stay at another bed that
   * began earlier and is still valid then.
   */
  void associate(
      String device, String location, String subject, String encounter, Instant from, String source)
      throws SQLException {
    Instant to = from;
    Instant end = null;
    for (Association a : AssociationRows.of(c, device, location)) {
      if (a.cancelled()) {
        continue;
      }
      if (a.validFrom().equals(from)) {
        cancel(a, false);
        to = later(to, a.validTo());
      } else if (a.covers(from)) {
        AssociationRows.setValidTo(c, a, from, cause);
        to = later(to, a.validTo());
      } else if (a.validFrom().isAfter(from)) {
        end = earlier(end, a.validFrom());
      }
    }
    if (device == null) {
      for (Association a : otherBeds(subject, location)) {
        if (a.validFrom().isBefore(from) && a.covers(from)) {
          end(a, from);
        } else if (a.validFrom().isAfter(from)) {
          end = earlier(end, a.validFrom());
        }
      }
    }
    AssociationRows.insert(c, device, location, subject, encounter, from, end, source, cause);
    affected.add(new Reattribution.Interval(device, location, from, later(to, end)));
  }

  /** Ends {@code a} at {@code at} (a discharge, a transfer out). */
  void end(Association a, Instant at) throws SQLException {
    AssociationRows.setValidTo(c, a, at, cause);
    affected.add(new Reattribution.Interval(a.device(), a.location(), at, a.validTo()));
  }

  /**
   * Cancels {@code a}, keeping the row. With {@code undo}, the associations its creation closed
   * (their last recorded cause is the one that created {@code a}) are re-opened: cancelling an
   * admission or a transfer restores who was where before it.
   */
  void cancel(Association a, boolean undo) throws SQLException {
    AssociationRows.cancel(c, a, now, cause);
    affected.add(new Reattribution.Interval(a.device(), a.location(), a.validFrom(), a.validTo()));
    List<String> created = a.causes();
    if (!undo || created.isEmpty()) {
      return;
    }
    for (Association closed : AssociationRows.endingAt(c, a.validFrom())) {
      List<String> causes = closed.causes();
      if (!causes.isEmpty() && causes.get(causes.size() - 1).equals(created.get(0))) {
        reopen(closed.seq());
      }
    }
  }

  /**
   * Re-opens an ended association up to the next live one of its device or bed, or, for a bed
   * association, the patient's next one at another bed, if any.
   */
  void reopen(long seq) throws SQLException {
    Association a = AssociationRows.bySeq(c, seq);
    if (a.cancelled()) {
      return;
    }
    Instant next = null;
    for (Association other : AssociationRows.of(c, a.device(), a.location())) {
      if (!other.cancelled()
          && other.seq() != a.seq()
          && other.validFrom().isAfter(a.validFrom())) {
        next = earlier(next, other.validFrom());
      }
    }
    if (a.device() == null) {
      for (Association other : otherBeds(a.subject(), a.location())) {
        if (other.validFrom().isAfter(a.validFrom())) {
          next = earlier(next, other.validFrom());
        }
      }
    }
    if (Objects.equals(next, a.validTo())) {
      return;
    }
    AssociationRows.setValidTo(c, a, next, cause);
    Instant from =
        a.validTo() == null || (next != null && next.isBefore(a.validTo())) ? next : a.validTo();
    affected.add(
        new Reattribution.Interval(a.device(), a.location(), from, later(a.validTo(), next)));
  }

  /**
   * The patient's live bed associations at beds other than {@code bed} that cover some time (a
   * transfer ending one at its own start leaves an empty one, which occupies no bed).
   */
  private List<Association> otherBeds(String subject, String bed) throws SQLException {
    List<Association> out = new ArrayList<>();
    for (Association a : AssociationRows.bedsOf(c, subject)) {
      if (!a.cancelled()
          && !a.location().equals(bed)
          && (a.validTo() == null || a.validTo().isAfter(a.validFrom()))) {
        out.add(a);
      }
    }
    return out;
  }

  /** The earlier of a start found so far ({@code null} when none) and {@code b}. */
  private static Instant earlier(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b.isBefore(a) ? b : a;
  }

  /** The later of two ends, {@code null} (open) being the latest. */
  private static Instant later(Instant a, Instant b) {
    if (a == null || b == null) {
      return null;
    }
    return a.isAfter(b) ? a : b;
  }
}
