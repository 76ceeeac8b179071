package org.vitalbridge.fhir;

/** Where the bearer token for a destination comes from. */
public interface TokenSource {
  /** A token to send now (cached until shortly before it expires). */
  String token();

  /** The server refused the token (401): forget it so the next call fetches a new one. */
  void invalidate();

  /** A fixed bearer token (the simple option). */
  static TokenSource fixed(String token) {
    return new TokenSource() {
      @Override
      public String token() {
        return token;
      }

      @Override
      public void invalidate() {
        // A fixed token cannot be renewed; the 401 is reported and the batch retried.
      }
    };
  }
}
