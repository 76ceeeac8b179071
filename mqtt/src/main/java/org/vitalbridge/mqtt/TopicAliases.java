package org.vitalbridge.mqtt;

/**
 * A connection's Topic Aliases (MQTT 5 §3.3.2.3.4), client to VitalBridge. A constrained device
 * sends a long topic once with an alias and then only the two-byte alias; the alias lives as long
 * as the connection. The maximum is announced in CONNACK, so clients that alias by themselves (as
 * HiveMQ's does) may. Event-loop confined, like the connection.
 */
final class TopicAliases {
  /** Aliases 1..MAXIMUM per connection: a device publishes to a handful of topics. */
  static final int MAXIMUM = 16;

  /** What a PUBLISH's topic and alias amount to. */
  sealed interface Resolved {}

  /** The topic the PUBLISH is for. */
  record Topic(String name) implements Resolved {}

  /**
   * A protocol violation, answered with DISCONNECT: {@code 0x94} Topic Alias invalid (0 or over the
   * maximum), {@code 0x82} Protocol Error (an empty topic with an alias never set).
   */
  record Invalid(byte code, String why) implements Resolved {}

  private final String[] topics = new String[MAXIMUM + 1];

  /**
   * @param topic the PUBLISH's topic name (empty when only the alias is sent)
   * @param alias its Topic Alias property, or {@code null} for none
   */
  Resolved resolve(String topic, Integer alias) {
    if (alias == null) {
      return new Topic(topic);
    }
    if (alias < 1 || alias > MAXIMUM) {
      return new Invalid(
          (byte) 0x94, "topic alias " + alias + " is outside 1.." + MAXIMUM + " (CONNACK)");
    }
    if (!topic.isEmpty()) {
      topics[alias] = topic;
      return new Topic(topic);
    }
    String known = topics[alias];
    return known == null
        ? new Invalid((byte) 0x82, "topic alias " + alias + " was never set on this connection")
        : new Topic(known);
  }
}
