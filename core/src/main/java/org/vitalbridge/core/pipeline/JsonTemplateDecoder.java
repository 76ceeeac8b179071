package org.vitalbridge.core.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Locale;
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

  @Override
  public boolean accepts(String contentType) {
    String c = contentType.toLowerCase(Locale.ROOT);
    return c.startsWith("application/json") || c.endsWith("+json") || c.equals("json");
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
    return decode(node);
  }

  /** Maps an already parsed payload. */
  public MappingResult decode(JsonNode payload) {
    if (payload == null || payload.isMissingNode()) {
      return new MappingResult.Failed(
          new Rejection(RejectionReason.MALFORMED_PAYLOAD, null, "empty JSON payload"));
    }
    return templates.map(payload);
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
