/**
 * IEEE 11073-20601 personal health devices: an MDER codec, the manager's association state machine,
 * the standard configurations of 10404/10407/10408/10415/10417 and scan report decoding. Public
 * entry points: {@link org.vitalbridge.devices.phd.PhdListener} (TCP), {@link
 * org.vitalbridge.devices.phd.PhdReportDecoder} (the pipeline's decoder) and {@link
 * org.vitalbridge.devices.phd.PhdDecodeSession} (offline dry runs). See docs/devices/phd.md.
 */
package org.vitalbridge.devices.phd;
