package org.vitalbridge.devices.serial;

import org.vitalbridge.core.mapping.MappingResult;

/**
 * One line protocol: a line (without its terminator) in, readings and rejections out. Total: never
 * throws. The shipped kind is {@link TaggedLineDecoder}, configured by a YAML {@link LineSpec}; a
 * format that is not {@code KEY=value} would be another implementation under its own name.
 */
interface SerialProtocol {
  String name();

  /**
   * @param configuredDevice the port's configured device id, or {@code null}
   */
  MappingResult decode(String line, String configuredDevice);
}
