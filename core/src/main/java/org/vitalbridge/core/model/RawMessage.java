package org.vitalbridge.core.model;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * A message exactly as an adapter received it. Reprocessing replays these bytes.
 *
 * @param id unique id assigned on receipt (journal key)
 * @param contentType media type or format name, e.g. {@code application/json}, {@code
 *     x-application/hl7-v2+er7}
 * @param adapter name of the inbound adapter, e.g. {@code mqtt}, {@code mllp}
 * @param sourceAddress remote address or topic
 * @param deviceIdentity authenticated identity (certificate subject, credentials) or {@code null}
 */
public record RawMessage(
    String id,
    byte[] payload,
    String contentType,
    String adapter,
    String sourceAddress,
    String deviceIdentity,
    Instant receivedAt) {

  public RawMessage {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(adapter, "adapter");
    Objects.requireNonNull(receivedAt, "receivedAt");
    payload = payload.clone();
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  public int size() {
    return payload.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RawMessage r
        && id.equals(r.id)
        && Arrays.equals(payload, r.payload)
        && contentType.equals(r.contentType)
        && adapter.equals(r.adapter)
        && Objects.equals(sourceAddress, r.sourceAddress)
        && Objects.equals(deviceIdentity, r.deviceIdentity)
        && receivedAt.equals(r.receivedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, Arrays.hashCode(payload), contentType, adapter, receivedAt);
  }

  @Override
  public String toString() {
    // Never the payload: it may carry PHI.
    return "RawMessage[id="
        + id
        + ", adapter="
        + adapter
        + ", contentType="
        + contentType
        + ", bytes="
        + payload.length
        + ", receivedAt="
        + receivedAt
        + "]";
  }
}
