package org.vitalbridge.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.vitalbridge.store.StoredRaw;

/**
 * A journaled message as JSON: metadata, and with {@code payload} the bytes in base64 plus, when
 * they are valid UTF-8, as text (HL7 segments separated by CR, JSON as sent).
 */
final class RawJson {
  private RawJson() {}

  static ObjectNode of(StoredRaw r, boolean payload) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("seq", r.seq());
    o.put("id", r.message().id());
    Replies.putInstant(o, "receivedAt", r.message().receivedAt());
    o.put("adapter", r.message().adapter());
    o.put("contentType", r.message().contentType());
    Replies.putText(o, "source", r.message().sourceAddress());
    Replies.putText(o, "deviceIdentity", r.message().deviceIdentity());
    o.put("state", r.state());
    byte[] bytes = r.message().payload();
    o.put("size", bytes.length);
    if (payload) {
      o.put("payloadBase64", Base64.getEncoder().encodeToString(bytes));
      Replies.putText(o, "payloadText", utf8(bytes));
    }
    return o;
  }

  /** The bytes as text when they are valid UTF-8, else null (the base64 form is the record). */
  static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
