/**
 * Serial ports (jSerialComm) read line by line into the journal, and line protocols configured as
 * YAML field specs. Public: {@link org.vitalbridge.devices.serial.SerialIngest} (a port), {@link
 * org.vitalbridge.devices.serial.SerialPortConfig} (its configuration) and {@link
 * org.vitalbridge.devices.serial.SerialProtocols} (the protocols, the pipeline decoder and one-shot
 * decoding). See docs/devices/serial.md and docs/adr/0015-serial-line-protocols.md.
 */
package org.vitalbridge.devices.serial;
