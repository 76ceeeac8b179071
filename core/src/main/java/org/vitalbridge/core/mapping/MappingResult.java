package org.vitalbridge.core.mapping;

import java.util.List;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.Rejection;

/** What mapping one payload gave: readings from a template, or a rejection of the payload. */
public sealed interface MappingResult {

  /**
   * @param mapping template id and version ({@code id@version}) for provenance
   */
  record Mapped(String mapping, List<DeviceReading> readings) implements MappingResult {
    public Mapped {
      readings = List.copyOf(readings);
    }
  }

  record Failed(Rejection rejection) implements MappingResult {}
}
