package org.vitalbridge.core.mapping;

import java.util.List;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.Rejection;

/** What mapping one payload gave: readings from a template, or a rejection of the payload. */
public sealed interface MappingResult {

  /**
   * @param mapping template id and version ({@code id@version}) for provenance
   * @param rejected parts of the payload the decoder could not turn into readings (kept in
   *     quarantine next to the readings it could)
   */
  record Mapped(String mapping, List<DeviceReading> readings, List<Rejection> rejected)
      implements MappingResult {
    public Mapped {
      readings = List.copyOf(readings);
      rejected = List.copyOf(rejected);
    }

    public Mapped(String mapping, List<DeviceReading> readings) {
      this(mapping, readings, List.of());
    }
  }

  record Failed(Rejection rejection) implements MappingResult {}
}
