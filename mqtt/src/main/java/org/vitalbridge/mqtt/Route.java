package org.vitalbridge.mqtt;

/**
 * Where a topic leads: the template that reads its payloads and the device the topic names.
 *
 * @param template the mapping template's id
 * @param device the topic's {@code {device}} level, or {@code null} when the rule has none (the
 *     payload names the device)
 * @param rule the routing rule that matched, as configured
 */
record Route(String template, String device, String rule) {}
