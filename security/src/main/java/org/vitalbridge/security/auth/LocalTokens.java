package org.vitalbridge.security.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * API tokens issued by this installation ({@code auth.mode: local}): {@code vb_<id>.<secret>}, the
 * id 12 random bytes (hex), the secret 32 random bytes (base64url). Only a salted SHA-256 of the
 * secret is stored.
 *
 * <p>Why SHA-256 and not PBKDF2/bcrypt: a slow hash protects low-entropy passwords against
 * guessing; a 256-bit random secret cannot be guessed, slow or fast, and a slow hash would cost
 * every API request tens of milliseconds. The salt keeps equal secrets (there are none) and
 * precomputed tables out of the question; the comparison is constant-time.
 */
public final class LocalTokens {
  static final String PREFIX = "vb_";
  private static final HexFormat HEX = HexFormat.of();

  /** A freshly issued token: shown once to its owner; the credential goes to the store. */
  public record Issued(String token, LocalCredential credential) {
    @Override
    public String toString() {
      return "Issued[" + credential + "]";
    }
  }

  private final SecureRandom random;

  public LocalTokens(SecureRandom random) {
    this.random = random;
  }

  public Issued issue(String subject, Role role) {
    byte[] id = new byte[12];
    byte[] secret = new byte[32];
    byte[] salt = new byte[16];
    random.nextBytes(id);
    random.nextBytes(secret);
    random.nextBytes(salt);
    String secretText = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    String idText = HEX.formatHex(id);
    return new Issued(
        PREFIX + idText + "." + secretText,
        new LocalCredential(
            idText, subject, role, HEX.formatHex(salt), hash(HEX.formatHex(salt), secretText)));
  }

  /** The id part of a token of this form, or empty (then it is not one of ours). */
  static Optional<String[]> parse(String token) {
    if (token == null || !token.startsWith(PREFIX)) {
      return Optional.empty();
    }
    int dot = token.indexOf('.');
    if (dot < 0 || dot == token.length() - 1) {
      return Optional.empty();
    }
    return Optional.of(
        new String[] {token.substring(PREFIX.length(), dot), token.substring(dot + 1)});
  }

  /** Whether {@code secret} is the one the credential was issued with (constant-time). */
  static boolean matches(LocalCredential c, String secret) {
    return MessageDigest.isEqual(HEX.parseHex(c.hash()), HEX.parseHex(hash(c.salt(), secret)));
  }

  private static String hash(String saltHex, String secret) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(HEX.parseHex(saltHex));
      return HEX.formatHex(sha.digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
