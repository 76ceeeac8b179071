package org.vitalbridge.core.units;

/** A unit that is not known, or that cannot be converted to the unit asked for. */
public final class UnitException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Which of the two it is. */
  public enum Kind {
    UNKNOWN,
    INCOMPATIBLE
  }

  private final Kind kind;

  public UnitException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
