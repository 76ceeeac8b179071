package org.vitalbridge.mqtt;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.mqtt.MqttEndpoint;
import io.vertx.mqtt.messages.MqttDisconnectMessage;
import io.vertx.mqtt.messages.MqttPublishMessage;
import io.vertx.mqtt.messages.MqttSubscribeMessage;
import io.vertx.mqtt.messages.MqttUnsubscribeMessage;
import io.vertx.mqtt.messages.codes.MqttDisconnectReasonCode;
import io.vertx.mqtt.messages.codes.MqttPubAckReasonCode;
import io.vertx.mqtt.messages.codes.MqttPubRecReasonCode;
import io.vertx.mqtt.messages.codes.MqttSubAckReasonCode;
import io.vertx.mqtt.messages.codes.MqttUnsubAckReasonCode;
import java.util.Collections;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device's MQTT connection to the embedded endpoint. Its handlers and answers run on the
 * connection's event loop; decoding, journaling and presence writes run on the connection's {@link
 * SerialExecutor} (in the order the device sent them, never on the event loop). A PUBLISH is
 * answered only when its journal commit is known: PUBACK (QoS 1) or PUBREC (QoS 2) with the reason
 * code of its {@link Answer}.
 */
final class DeviceConnection {
  private static final Logger log = LoggerFactory.getLogger(DeviceConnection.class);

  /** MQTT 5 protocol level. */
  private static final int MQTT_5 = 5;

  /** A client that cannot take a packet this big gets no reason strings. */
  private static final int MIN_PACKET_FOR_REASONS = 512;

  /** Unanswered QoS 0 messages beyond which more are dropped (at most once allows it). */
  private static final int MAX_PENDING_QOS0 = 1_000;

  private static final String NOT_A_BROKER =
      "VitalBridge takes PUBLISH only: it is not a broker, there is nothing to subscribe to";

  private final MqttEndpoint endpoint;
  private final Context context;
  private final Intake intake;
  private final SerialExecutor serial;
  private final InFlight inFlight;
  private final String clientId;
  private final String deviceId;
  private final DeviceIdentity identity;
  private final boolean v5;
  private final boolean reasonStrings;
  private final boolean hasWill;
  private final int receiveMaximum;
  private final Consumer<DeviceConnection> onClosed;

  // Event-loop confined.
  private final TopicAliases aliases = new TopicAliases();
  private int awaitingAnswer;
  private int pendingQos0;
  private boolean cleanDisconnect;
  private boolean disconnectWithWill;
  private boolean takenOver;
  private boolean shuttingDown;
  private boolean disconnecting;
  private boolean closed;

  DeviceConnection(
      MqttEndpoint endpoint,
      Context context,
      Intake intake,
      SerialExecutor serial,
      InFlight inFlight,
      String clientId,
      DeviceIdentity identity,
      int receiveMaximum,
      Consumer<DeviceConnection> onClosed) {
    this.endpoint = endpoint;
    this.context = context;
    this.intake = intake;
    this.serial = serial;
    this.inFlight = inFlight;
    this.clientId = clientId;
    this.identity = identity;
    this.deviceId =
        identity != null && identity.commonName() != null ? identity.commonName() : clientId;
    this.v5 = endpoint.protocolVersion() == MQTT_5;
    this.reasonStrings = v5 && wantsReasonStrings(endpoint.connectProperties());
    this.hasWill = endpoint.will() != null && endpoint.will().isWillFlag();
    this.receiveMaximum = receiveMaximum;
    this.onClosed = onClosed;
  }

  String clientId() {
    return clientId;
  }

  /** Installs the handlers, answers CONNACK and records the device online. */
  void accept(MqttProperties connack) {
    endpoint.publishAutoAck(false);
    endpoint.subscriptionAutoAck(false);
    endpoint.publishHandler(this::onPublish);
    endpoint.publishReleaseHandler(this::onPublishRelease);
    endpoint.subscribeHandler(this::onSubscribe);
    endpoint.unsubscribeHandler(this::onUnsubscribe);
    endpoint.disconnectMessageHandler(this::onDisconnect);
    endpoint.exceptionHandler(this::onException);
    endpoint.closeHandler(v -> onClose());
    // No session state is kept, and none is needed: a retransmitted PUBLISH gets the raw id of its
    // first copy and a PUBREL is always answered PUBCOMP (the PUBREC came after the commit). So a
    // client that asks to resume its session is told it has one, and it resends what was unanswered
    // instead of discarding it.
    endpoint.accept(!endpoint.isCleanSession(), connack);
    log.debug(
        "MQTT device {} connected (client {}, MQTT {}{})",
        deviceId,
        clientId,
        v5 ? "5" : "3.1.1",
        identity == null ? "" : ", certificate");
    serial.execute(() -> intake.presence().record(deviceId, true, Presence.CONNECT));
  }

  private void onPublish(MqttPublishMessage message) {
    if (shuttingDown) {
      // Not taken: without an answer the device sends it again after it reconnects.
      return;
    }
    TopicAliases.Resolved resolved =
        aliases.resolve(message.topicName(), topicAlias(message.properties()));
    if (resolved instanceof TopicAliases.Invalid i) {
      disconnect(MqttDisconnectReasonCode.valueOf(i.code()), i.why());
      return;
    }
    String topic = ((TopicAliases.Topic) resolved).name();
    int qos = message.qosLevel().value();
    int packetId = message.messageId();
    if (qos == 0) {
      if (pendingQos0 >= MAX_PENDING_QOS0) {
        log.warn("MQTT device {}: QoS 0 message dropped, {} still pending", deviceId, pendingQos0);
        return;
      }
      pendingQos0++;
    } else if (++awaitingAnswer > receiveMaximum) {
      disconnect(
          MqttDisconnectReasonCode.RECEIVE_MAXIMUM_EXCEEDED,
          "more than " + receiveMaximum + " unanswered QoS 1/2 messages");
      return;
    }
    Intake.Delivery delivery =
        new Intake.Delivery(
            clientId,
            topic,
            message.payload().getBytes(),
            message.isRetain(),
            topic + " (client " + clientId + ")",
            identity);
    inFlight.begin();
    serial.execute(
        () -> {
          CompletableFuture<Answer> answer;
          try {
            answer = intake.receive(delivery);
          } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
          }
          answer.whenComplete(
              (a, e) ->
                  context.runOnContext(
                      v -> {
                        try {
                          answer(qos, packetId, a != null ? a : Answer.notStored(e, null));
                        } finally {
                          inFlight.end();
                        }
                      }));
        });
  }

  /** On the event loop, once the commit is known. */
  private void answer(int qos, int packetId, Answer a) {
    if (qos == 0) {
      pendingQos0--;
      return;
    }
    awaitingAnswer--;
    if (closed || !endpoint.isConnected()) {
      // The device resends it after reconnecting; the same raw id makes that safe.
      return;
    }
    if (!a.kept() && (qos == MqttQoS.EXACTLY_ONCE.value() || !v5)) {
      // Vert.x sends a PUBREC without its reason code, and MQTT 3.1.1 has none: an unstored
      // message must not look received. Disconnecting leaves it unacknowledged, so the device
      // sends it again on its next connection.
      log.warn(
          "MQTT device {}: message not stored ({}), disconnecting so it is resent",
          deviceId,
          a.code().hex());
      disconnect(MqttDisconnectReasonCode.valueOf(a.code().byteValue()), a.reason());
      return;
    }
    if (a.code().isError()) {
      log.debug("MQTT device {}: PUBLISH answered {}", deviceId, a.code().hex());
    }
    if (qos == MqttQoS.AT_LEAST_ONCE.value()) {
      endpoint.publishAcknowledge(
          packetId, MqttPubAckReasonCode.valueOf(a.code().byteValue()), reason(a.reason()));
    } else {
      endpoint.publishReceived(
          packetId, MqttPubRecReasonCode.valueOf(a.code().byteValue()), reason(a.reason()));
    }
  }

  private void onPublishRelease(int packetId) {
    // Stateless: a PUBREC was only ever sent after the commit, so any PUBREL (also one resent
    // after a reconnect) completes the exchange.
    if (!closed && endpoint.isConnected()) {
      endpoint.publishComplete(packetId);
    }
  }

  private void onSubscribe(MqttSubscribeMessage message) {
    int n = message.topicSubscriptions().size();
    if (v5) {
      endpoint.subscribeAcknowledge(
          message.messageId(),
          Collections.nCopies(n, MqttSubAckReasonCode.NOT_AUTHORIZED),
          reason(NOT_A_BROKER));
    } else {
      endpoint.subscribeAcknowledge(message.messageId(), Collections.nCopies(n, MqttQoS.FAILURE));
    }
  }

  private void onUnsubscribe(MqttUnsubscribeMessage message) {
    if (v5) {
      endpoint.unsubscribeAcknowledge(
          message.messageId(),
          Collections.nCopies(
              message.topics().size(), MqttUnsubAckReasonCode.NO_SUBSCRIPTION_EXISTED),
          reason(NOT_A_BROKER));
    } else {
      endpoint.unsubscribeAcknowledge(message.messageId());
    }
  }

  private void onDisconnect(MqttDisconnectMessage message) {
    cleanDisconnect = true;
    disconnectWithWill = message.code() == MqttDisconnectReasonCode.WITH_WILL_MESSAGE;
  }

  private void onException(Throwable t) {
    log.debug("MQTT device {}: {}", deviceId, t.toString());
    if (closed) {
      return;
    }
    if (t instanceof TooLongFrameException || t.getCause() instanceof TooLongFrameException) {
      disconnect(
          MqttDisconnectReasonCode.PACKET_TOO_LARGE,
          "packet larger than the Maximum Packet Size this endpoint announced");
    } else if (t instanceof DecoderException) {
      disconnect(MqttDisconnectReasonCode.MALFORMED_PACKET, "malformed packet");
    } else {
      close();
    }
  }

  private void onClose() {
    if (closed) {
      return;
    }
    closed = true;
    onClosed.accept(this);
    String reason;
    if (takenOver) {
      // The device is still online, on its new connection.
      log.debug("MQTT device {}: session taken over by a new connection", deviceId);
      return;
    } else if (shuttingDown) {
      reason = Presence.SHUTDOWN;
    } else if (cleanDisconnect) {
      reason = disconnectWithWill ? Presence.WILL : Presence.DISCONNECT;
    } else {
      reason = hasWill ? Presence.WILL : Presence.CONNECTION_LOST;
    }
    log.debug("MQTT device {} disconnected ({})", deviceId, reason);
    serial.execute(() -> intake.presence().record(deviceId, false, reason));
  }

  /** Another connection with this client id arrived: MQTT lets only one live (0x8E). */
  void takeOver() {
    context.runOnContext(
        v -> {
          takenOver = true;
          disconnect(MqttDisconnectReasonCode.SESSION_TAKEN_OVER, "another connection took over");
        });
  }

  /** VitalBridge is stopping: answer nothing more and disconnect (0x8B). */
  void shutdown() {
    context.runOnContext(
        v -> {
          shuttingDown = true;
          disconnect(MqttDisconnectReasonCode.SERVER_SHUTTING_DOWN, "VitalBridge is stopping");
        });
  }

  /** Stops taking PUBLISHes (answers to those already taken still go out). */
  void stopTaking() {
    context.runOnContext(v -> shuttingDown = true);
  }

  private void disconnect(MqttDisconnectReasonCode code, String why) {
    if (closed || disconnecting) {
      return;
    }
    disconnecting = true;
    try {
      if (v5) {
        endpoint.disconnect(code, reason(why));
      } else {
        endpoint.close();
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      // Already closed underneath.
      log.debug("MQTT device {}: disconnect: {}", deviceId, e.toString());
    }
  }

  private void close() {
    try {
      endpoint.close();
    } catch (IllegalArgumentException | IllegalStateException e) {
      log.debug("MQTT device {}: close: {}", deviceId, e.toString());
    }
  }

  private MqttProperties reason(String text) {
    MqttProperties p = new MqttProperties();
    if (reasonStrings && text != null) {
      p.add(new MqttProperties.StringProperty(MqttProperties.REASON_STRING, text));
    }
    return p;
  }

  /** The PUBLISH's Topic Alias property, or {@code null} (MQTT 3.1.1 has none). */
  private static Integer topicAlias(MqttProperties properties) {
    MqttProperties.MqttProperty<?> alias =
        properties == null ? null : properties.getProperty(MqttProperties.TOPIC_ALIAS);
    return alias != null && alias.value() instanceof Integer a ? a : null;
  }

  /** MQTT 5 lets a client ask for no reason strings (Request Problem Information 0). */
  private static boolean wantsReasonStrings(MqttProperties connect) {
    if (connect == null) {
      return true;
    }
    MqttProperties.MqttProperty<?> problemInfo =
        connect.getProperty(MqttProperties.REQUEST_PROBLEM_INFORMATION);
    if (problemInfo != null && Integer.valueOf(0).equals(problemInfo.value())) {
      return false;
    }
    MqttProperties.MqttProperty<?> maxPacket =
        connect.getProperty(MqttProperties.MAXIMUM_PACKET_SIZE);
    return maxPacket == null
        || !(maxPacket.value() instanceof Integer max)
        || max >= MIN_PACKET_FOR_REASONS;
  }
}
