package org.vitalbridge.core.model;

import java.util.Objects;

/**
 * Identity of a device as the engine knows it: an EUI-64, a serial number, a certificate subject or
 * a vendor id. Trimmed; never blank.
 */
public record DeviceId(String value) {
  public DeviceId {
    Objects.requireNonNull(value, "device id");
    value = value.strip();
    if (value.isEmpty()) {
      throw new IllegalArgumentException("device id must not be blank");
    }
  }

  public static DeviceId of(String value) {
    return new DeviceId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
