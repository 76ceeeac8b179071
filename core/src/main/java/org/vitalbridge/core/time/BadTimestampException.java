package org.vitalbridge.core.time;

/** A timestamp that cannot be read as a point in time; the message says why. */
public final class BadTimestampException extends Exception {
  private static final long serialVersionUID = 1L;

  public BadTimestampException(String message) {
    super(message, null, false, false);
  }
}
