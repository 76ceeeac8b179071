/**
 * Device protocols that are not messaging standards: serial line formats (sub-package {@code
 * serial}), BLE GATT health characteristics forwarded by hubs ({@code ble}) and IEEE 11073-20601
 * personal health devices ({@code phd}). Each family turns device bytes into journaled {@code
 * RawMessage}s and decodes them into {@code DeviceReading}s; nothing here knows a destination.
 */
package org.vitalbridge.devices;
