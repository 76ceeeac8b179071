package org.vitalbridge.devices.ble;

/** Decodes the value of one GATT characteristic into readings. One implementation per layout. */
interface GattCharacteristic {

  /** The 16-bit SIG-assigned UUID, e.g. {@code 0x2A35}. */
  int uuid();

  /** A short name for messages, e.g. {@code Blood Pressure Measurement}. */
  String name();

  /**
   * Reads {@code in} and emits into {@code out}. Reads every field before emitting, so that a
   * truncated value leaves {@code out} empty; never throws anything but the format exception.
   */
  void decode(GattReader in, GattOutput out) throws GattFormatException;
}
