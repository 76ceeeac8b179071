package org.vitalbridge.core.pipeline;

import org.vitalbridge.core.mapping.MappingResult;
import org.vitalbridge.core.model.RawMessage;

/**
 * Turns a raw message of one wire format into device readings. One implementation per format (JSON
 * via templates, HL7 v2 PCD-01, GATT characteristics, 11073 APDUs, vendor serial lines).
 */
public interface PayloadDecoder {

  /** Whether this decoder reads messages of {@code contentType}. */
  boolean accepts(String contentType);

  MappingResult decode(RawMessage message);
}
