package org.vitalbridge.store;

/**
 * The journal's queue is full: back-pressure, the sender should retry later. Nothing was stored.
 */
public final class JournalOverloadedException extends StoreException {
  private static final long serialVersionUID = 1L;

  public JournalOverloadedException(String message) {
    super(message);
  }
}
