package org.vitalbridge.core.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import org.vitalbridge.core.mapping.MappingResult;
import org.vitalbridge.core.mapping.TemplateSet;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;

/** Decodes JSON payloads with the configured vendor mapping templates. */
public final class JsonTemplateDecoder implements PayloadDecoder {
  /** Decimals stay exact: 36.60 must not become 36.599999. */
  public static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private final TemplateSet templates;

  public JsonTemplateDecoder(TemplateSet templates) {
    this.templates = templates;
  }

  /**
   * The content type a channel journals JSON under when it names the template (an MQTT topic, an
   * HTTP path) and perhaps the device: {@code application/json; template="acme-bedside";
   * device="ACME-0042"}. Kept with the raw bytes, so reprocessing maps them the same way.
   */
  public static String contentType(String template, String device) {
    StringBuilder b = new StringBuilder("application/json");
    if (template != null) {
      b.append("; template=").append(MediaTypeParameters.quote(template));
    }
    if (device != null) {
      b.append("; device=").append(MediaTypeParameters.quote(device));
    }
    return b.toString();
  }

  @Override
  public boolean accepts(String contentType) {
    String c = MediaTypeParameters.baseType(contentType).toLowerCase(Locale.ROOT);
    return c.equals("application/json") || c.endsWith("+json") || c.equals("json");
  }

  @Override
  public MappingResult decode(RawMessage message) {
    JsonNode node;
    try {
      node = JSON.readTree(message.payload());
    } catch (JsonProcessingException e) {
      return malformed(e);
    } catch (IOException e) {
      return malformed(e);
    }
    Map<String, String> channel = MediaTypeParameters.parse(message.contentType());
    return decode(node, channel.get("template"), channel.get("device"));
  }

  /** Maps an already parsed payload by the templates' match rules. */
  public MappingResult decode(JsonNode payload) {
    return decode(payload, null, null);
  }

  private MappingResult decode(JsonNode payload, String template, String device) {
    if (payload == null || payload.isMissingNode()) {
      return new MappingResult.Failed(
          new Rejection(RejectionReason.MALFORMED_PAYLOAD, null, "empty JSON payload"));
    }
    return templates.map(payload, template, device);
  }

  private static MappingResult malformed(IOException e) {
    String where =
        e instanceof JsonProcessingException j && j.getLocation() != null
            ? " at line "
                + j.getLocation().getLineNr()
                + ", column "
                + j.getLocation().getColumnNr()
            : "";
    String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    return new MappingResult.Failed(
        new Rejection(
            RejectionReason.MALFORMED_PAYLOAD, null, "not valid JSON" + where + ": " + why));
  }
}
