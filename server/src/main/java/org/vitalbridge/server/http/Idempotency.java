package org.vitalbridge.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vitalbridge.core.harmonize.MeasurementIds;
import org.vitalbridge.server.http.Answers.Answer;
import org.vitalbridge.store.IdempotencyKeys;
import org.vitalbridge.store.StoreException;

/**
 * {@code Idempotency-Key}: a retried request gets the first answer (status and body) and stores
 * nothing twice. Raw ids are derived from key, request fingerprint and item index, so even a retry
 * racing the first request is journaled once; answers are kept 24 h by the store. The same key with
 * another request (fingerprint: SHA-256 of template, device, endpoint and body) is the client's
 * error: 422. A key is the caller's ({@link #scoped}): devices that pick the same key do not meet.
 * While a key's request is in flight, another request under it is answered 409 (the draft's
 * "request is still being processed"), so a second body under one key is never stored beside the
 * first. In-flight keys are held in this process's memory: one server answers a key at a time.
 */
final class Idempotency {
  static final String HEADER = "Idempotency-Key";
  static final String REPLAYED = "Idempotent-Replayed";
  private static final Logger log = LoggerFactory.getLogger(Idempotency.class);

  /** Answers decided by the request itself; 429 and 503 are not: a retry may do better. */
  private static final Set<Integer> KEPT = Set.of(202, 400, 404, 413, 415, 422);

  private final IdempotencyKeys keys;
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

  Idempotency(IdempotencyKeys keys) {
    this.keys = keys;
  }

  /**
   * The key from its header ({@code "…"} quotes of the structured-field form are dropped), or
   * {@code null} when absent; a key that is not 1..255 visible ASCII characters is a 400.
   */
  static String key(String header, String instance) {
    if (header == null) {
      return null;
    }
    String k = header.strip();
    if (k.length() >= 2 && k.startsWith("\"") && k.endsWith("\"")) {
      k = k.substring(1, k.length() - 1);
    }
    boolean ok = !k.isEmpty() && k.length() <= 255;
    for (int i = 0; ok && i < k.length(); i++) {
      char c = k.charAt(i);
      ok = c >= 0x20 && c < 0x7f;
    }
    if (!ok) {
      throw Problem.of(
              "bad-idempotency-key",
              "Bad Idempotency-Key",
              400,
              "an Idempotency-Key is 1 to 255 visible ASCII characters",
              instance)
          .raise();
    }
    return k;
  }

  /**
   * The key as stored: the caller's identity (client certificate or token subject) and the key, the
   * identity length-prefixed so that no split of one string can be another's. Without an identity
   * (no authentication) the key stands alone.
   */
  static String scoped(String identity, String key) {
    return identity == null ? key : identity.length() + ":" + identity + "|" + key;
  }

  /**
   * Claims {@code scopedKey} for a request; {@code false} when another request under it is still
   * being processed. Every claim is {@link #release}d once its answer is saved.
   */
  boolean claim(String scopedKey) {
    return inFlight.add(scopedKey);
  }

  void release(String scopedKey) {
    inFlight.remove(scopedKey);
  }

  /** The answer to a request whose key is still in flight: 409, try again in a second. */
  static Answer stillInFlight(String instance) {
    Problem p =
        Problem.of(
            "idempotency-key-in-flight",
            "Idempotency-Key in use",
            409,
            "a request with this Idempotency-Key is still being processed; retry with the same key"
                + " once it is answered",
            instance);
    return new Answer(409, Problem.CONTENT_TYPE, p.toJson(), 1);
  }

  /**
   * SHA-256 over the parts, each preceded by its length (-1 for no device), so that no bytes can
   * move from one part to the next (a device is any query parameter) and make another request's
   * fingerprint.
   */
  static String fingerprint(String template, String device, String endpoint, byte[] body) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String part : new String[] {template, device, endpoint}) {
        byte[] bytes = part == null ? new byte[0] : part.getBytes(StandardCharsets.UTF_8);
        sha.update(ByteBuffer.allocate(4).putInt(part == null ? -1 : bytes.length).array());
        sha.update(bytes);
      }
      sha.update(ByteBuffer.allocate(4).putInt(body.length).array());
      return HexFormat.of().formatHex(sha.digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  /** The raw id of item {@code index} of the request identified by key and fingerprint. */
  static String rawId(String key, String fingerprint, int index) {
    return MeasurementIds.derived("http|" + key + "|" + fingerprint + "|" + index).toString();
  }

  /**
   * What a key already answered: the saved answer to replay ({@code replayed}), or a 422 when the
   * key was used for another request (not a replay: nothing of this request is answered for).
   */
  record Known(Answer answer, boolean replayed) {}

  /** The saved answer to replay, a 422 when the key was used for another request, or empty. */
  Optional<Known> replay(String key, String fingerprint, String instance) {
    return keys.find(key).map(saved -> answerFor(saved, fingerprint, instance));
  }

  /**
   * Saves {@code computed} as the answer to {@code key} (when it is one a retry must see again);
   * when a concurrent request saved first, answers what it saved.
   */
  Answer settle(String key, String fingerprint, Answer computed, String instance) {
    if (!KEPT.contains(computed.status())) {
      return computed;
    }
    try {
      if (keys.save(
          key, fingerprint, computed.status(), computed.contentType(), computed.bytes())) {
        return computed;
      }
      return keys.find(key)
          .map(saved -> answerFor(saved, fingerprint, instance).answer())
          .orElse(computed);
    } catch (StoreException e) {
      // The data is committed; only the replay of this answer is lost.
      log.warn("could not save an idempotency answer: {}", e.getMessage());
      return computed;
    }
  }

  private static Known answerFor(IdempotencyKeys.Answer saved, String fingerprint, String inst) {
    if (!saved.fingerprint().equals(fingerprint)) {
      Problem p =
          Problem.of(
              "idempotency-key-reused",
              "Idempotency-Key reused",
              422,
              "this Idempotency-Key was used for a different request in the last 24 h; use a new"
                  + " key for a new request",
              inst);
      return new Known(new Answer(422, Problem.CONTENT_TYPE, p.toJson(), null), false);
    }
    try {
      ObjectNode body = (ObjectNode) Json.MAPPER.readTree(saved.body());
      return new Known(new Answer(saved.status(), saved.contentType(), body, null), true);
    } catch (IOException | ClassCastException e) {
      throw new IllegalStateException("a saved idempotency answer is not a JSON object", e);
    }
  }
}
