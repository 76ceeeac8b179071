package org.vitalbridge.mqtt;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.vitalbridge.core.harmonize.MeasurementIds;
import org.vitalbridge.core.model.RejectionReason;

/**
 * Journal ids for MQTT messages, derived from what identifies a retransmit: the sender, the topic
 * and the SHA-256 of the payload. A QoS 1/2 retransmit (DUP, or a broker redelivery) gets the id of
 * the first copy, and the journal keeps one ({@code ON CONFLICT DO NOTHING}). Bytes refused on
 * receipt get an id of their own kind, so the same bytes sent again once a rule routes them are
 * stored as data instead of colliding with the refusal.
 */
final class RawIds {
  private RawIds() {}

  /**
   * @param sender the device's MQTT client id (embedded), or a constant for a broker's deliveries
   *     (external: the publisher's client id is not carried)
   */
  static String data(String sender, String topic, byte[] payload) {
    return id("data", sender, topic, payload);
  }

  static String refused(RejectionReason why, String sender, String topic, byte[] payload) {
    return id("refused:" + why.code(), sender, topic, payload);
  }

  private static String id(String kind, String sender, String topic, byte[] payload) {
    // The sender's length keeps (a|b, c) and (a, b|c) apart; the digest has a fixed length.
    String s = sender == null ? "" : sender;
    String name = "mqtt|" + kind + "|" + s.length() + "|" + s + "|" + topic + "|" + sha256(payload);
    return MeasurementIds.derived(name).toString();
  }

  static String sha256(byte[] payload) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }
}
