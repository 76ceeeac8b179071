package org.vitalbridge.devices.serial;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.vitalbridge.core.mapping.MappingResult;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;
import org.vitalbridge.core.pipeline.MediaTypeParameters;
import org.vitalbridge.core.pipeline.PayloadDecoder;

/**
 * Decodes journaled serial lines: the content type names the protocol and the configured device
 * ({@link SerialProtocols#contentType}), the payload is one line without its terminator.
 */
final class SerialLineDecoder implements PayloadDecoder {
  private final Map<String, SerialProtocol> protocols;

  SerialLineDecoder(Map<String, SerialProtocol> protocols) {
    this.protocols = Map.copyOf(protocols);
  }

  @Override
  public boolean accepts(String contentType) {
    return MediaTypeParameters.baseType(contentType).equalsIgnoreCase(SerialProtocols.MEDIA_TYPE);
  }

  @Override
  public MappingResult decode(RawMessage message) {
    Map<String, String> params = MediaTypeParameters.parse(message.contentType());
    String name = params.get("protocol");
    SerialProtocol decoder = name == null ? null : protocols.get(name);
    if (decoder == null) {
      return new MappingResult.Failed(
          new Rejection(
              RejectionReason.UNSUPPORTED_MESSAGE,
              null,
              (name == null ? "no serial protocol named" : "unknown serial protocol '" + name + "'")
                  + " (known: "
                  + String.join(", ", protocols.keySet().stream().sorted().toList())
                  + ")"));
    }
    // ISO-8859-1 maps every byte to one char: nothing is lost or replaced before the decoder.
    String line = new String(message.payload(), StandardCharsets.ISO_8859_1);
    return decoder.decode(line, params.get("device"));
  }
}
