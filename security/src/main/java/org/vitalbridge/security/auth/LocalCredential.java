package org.vitalbridge.security.auth;

import java.util.Objects;

/**
 * A stored API token: what the store keeps instead of the token itself. {@code hash} is
 * SHA-256(salt ‖ secret), both hex.
 *
 * @param id the token's public part (also in the token, so a lookup needs no scan)
 */
public record LocalCredential(String id, String subject, Role role, String salt, String hash) {
  public LocalCredential {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(salt, "salt");
    Objects.requireNonNull(hash, "hash");
  }

  @Override
  public String toString() {
    // Not even the hash: it is of no use in a log.
    return "LocalCredential[" + id + ", " + subject + ", " + role.id() + "]";
  }
}
