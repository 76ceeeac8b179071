package org.vitalbridge.store;

/** A message larger than the configured limit; it never reaches the journal. */
public final class PayloadTooLargeException extends StoreException {
  private static final long serialVersionUID = 1L;
  private final int size;
  private final int limit;

  public PayloadTooLargeException(int size, int limit) {
    super("payload of " + size + " bytes exceeds the limit of " + limit + " bytes");
    this.size = size;
    this.limit = limit;
  }

  public int size() {
    return size;
  }

  public int limit() {
    return limit;
  }
}
