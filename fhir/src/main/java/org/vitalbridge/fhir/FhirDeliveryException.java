package org.vitalbridge.fhir;

/** A delivery that did not happen; {@code retryable} says whether trying again can help. */
public final class FhirDeliveryException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final boolean retryable;

  public FhirDeliveryException(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
