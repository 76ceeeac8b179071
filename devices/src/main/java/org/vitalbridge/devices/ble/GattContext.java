package org.vitalbridge.devices.ble;

import java.time.ZoneId;
import org.vitalbridge.core.time.TimeSpec;

/**
 * What every reading of one notification shares besides its bytes.
 *
 * @param device the BLE device id (a MAC normalised to upper case with colons, or the hub's id for
 *     the device)
 * @param location the bed or point of care the hub names, else {@code null}
 * @param hubTime the hub's receive time as sent, else {@code null}
 * @param hubTimeSpec how to read {@code hubTime}
 * @param zone the zone for the device's local Date Time, {@code null} for the device's configured
 *     zone (resolved by the harmonizer)
 * @param field where the value came from, e.g. {@code $.value} or {@code $[2].value}; rejections
 *     name the byte offset within it
 */
record GattContext(
    String device,
    String location,
    String hubTime,
    TimeSpec hubTimeSpec,
    ZoneId zone,
    String field) {}
