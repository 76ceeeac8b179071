package org.vitalbridge.mqtt;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;
import org.vitalbridge.core.pipeline.JsonTemplateDecoder;
import org.vitalbridge.store.Ingestor;
import org.vitalbridge.store.PayloadTooLargeException;
import org.vitalbridge.store.Store;

/**
 * One received PUBLISH in, its {@link Answer} out, the same for the embedded endpoint and the
 * external subscription: presence reports are recorded; routed, authorized payloads within the
 * limit go through {@code store.ingestor().submit} (decoded in the caller's thread, so callers run
 * this on a worker, never an event loop); everything refused on receipt is journaled as a refusal,
 * so its bytes are kept and quarantined. The returned future never fails and completes only once
 * the journal has committed (or failed, or {@code commitTimeout} passed).
 */
final class Intake {
  static final String ADAPTER = "mqtt";

  private static final Logger log = LoggerFactory.getLogger(Intake.class);

  /**
   * A PUBLISH as received.
   *
   * @param sender what identifies the sender for raw ids (the device's client id, or a constant for
   *     a broker's deliveries)
   * @param source the journal's source address (topic and client)
   * @param identity the TLS client certificate, if any
   */
  record Delivery(
      String sender,
      String topic,
      byte[] payload,
      boolean retained,
      String source,
      DeviceIdentity identity) {}

  private final TopicRules rules;
  private final PresenceTopic presenceTopic;
  private final Presence presence;
  private final Store store;
  private final Clock clock;
  private final int maxPayloadBytes;
  private final String limitKey;
  private final Duration commitTimeout;

  /**
   * @param presenceTopic {@code null} for none
   * @param maxPayloadBytes the effective limit (already resolved from 0 to the journal's)
   * @param limitKey the setting that limit comes from, for the refusal's detail
   */
  Intake(
      TopicRules rules,
      PresenceTopic presenceTopic,
      Store store,
      Clock clock,
      int maxPayloadBytes,
      String limitKey,
      Duration commitTimeout) {
    this.rules = rules;
    this.presenceTopic = presenceTopic;
    this.presence = new Presence(store, clock);
    this.store = store;
    this.clock = clock;
    this.maxPayloadBytes = maxPayloadBytes;
    this.limitKey = limitKey;
    this.commitTimeout = commitTimeout;
  }

  static Intake of(MqttConfig config, Store store, Clock clock) {
    int journalLimit = store.journal().maxPayloadBytes();
    boolean ownLimit = config.maxPayloadBytes() != 0;
    return new Intake(
        TopicRules.parse(config.topics()),
        config.presenceTopic() == null ? null : PresenceTopic.parse(config.presenceTopic()),
        store,
        clock,
        ownLimit ? config.maxPayloadBytes() : journalLimit,
        ownLimit ? "mqtt.maxPayloadBytes" : "store.maxPayloadBytes",
        config.commitTimeout());
  }

  Presence presence() {
    return presence;
  }

  int maxPayloadBytes() {
    return maxPayloadBytes;
  }

  TopicRules rules() {
    return rules;
  }

  /** The presence topic's filter, if one is configured. */
  Optional<String> presenceFilter() {
    return Optional.ofNullable(presenceTopic).map(PresenceTopic::filter);
  }

  CompletableFuture<Answer> receive(Delivery d) {
    try {
      return answer(d);
    } catch (RuntimeException e) {
      log.warn("MQTT message on {} not journaled: {}", d.topic(), e.toString());
      return CompletableFuture.completedFuture(Answer.notStored(e, commitTimeout));
    }
  }

  private CompletableFuture<Answer> answer(Delivery d) {
    Optional<String> presenceDevice =
        presenceTopic == null ? Optional.empty() : presenceTopic.device(d.topic());
    if (presenceDevice.isPresent()) {
      return presenceReport(d, presenceDevice.get());
    }
    Optional<Route> route = rules.route(d.topic());
    if (route.isEmpty()) {
      return refuse(
          d,
          null,
          ReasonCode.TOPIC_NAME_INVALID,
          new Rejection(
              RejectionReason.UNROUTED, "topic", "no mqtt.topics rule routes this topic"));
    }
    Optional<Rejection> forbidden = authorize(d, route.get().device());
    if (forbidden.isPresent()) {
      return refuse(d, route.get(), ReasonCode.NOT_AUTHORIZED, forbidden.get());
    }
    if (d.payload().length > maxPayloadBytes) {
      return refuse(
          d,
          route.get(),
          ReasonCode.QUOTA_EXCEEDED,
          tooLarge(d.payload().length, maxPayloadBytes, limitKey));
    }
    RawMessage raw = raw(RawIds.data(d.sender(), d.topic(), d.payload()), d, route.get());
    log.trace("MQTT payload on {}: {} bytes", d.topic(), d.payload().length);
    return submit(raw)
        .thenApply(Answer::of)
        .exceptionallyCompose(
            e ->
                Answer.unwrap(e) instanceof PayloadTooLargeException p
                    // Only when the journal's limit is below mqtt.maxPayloadBytes.
                    ? refuse(
                        d,
                        route.get(),
                        ReasonCode.QUOTA_EXCEEDED,
                        tooLarge(p.size(), p.limit(), "store.maxPayloadBytes"))
                    : CompletableFuture.completedFuture(Answer.notStored(e, commitTimeout)));
  }

  private CompletableFuture<Answer> presenceReport(Delivery d, String device) {
    Optional<Rejection> forbidden = authorize(d, device);
    if (forbidden.isPresent()) {
      return refuse(d, null, ReasonCode.NOT_AUTHORIZED, forbidden.get());
    }
    if (d.payload().length == 0) {
      // How a retained report is cleared at a broker: nothing to record, nothing to keep.
      return CompletableFuture.completedFuture(
          new Answer(ReasonCode.SUCCESS, "empty presence report ignored", true));
    }
    Optional<Boolean> online = PresenceTopic.state(d.payload());
    if (online.isEmpty()) {
      return refuse(
          d,
          null,
          ReasonCode.PAYLOAD_FORMAT_INVALID,
          new Rejection(
              RejectionReason.MALFORMED_PAYLOAD,
              null,
              "a presence report must be 'online' or 'offline'"));
    }
    boolean recorded =
        presence.record(
            device, online.get(), d.retained() ? Presence.RETAINED_STATUS : Presence.STATUS);
    return CompletableFuture.completedFuture(
        recorded
            ? Answer.presence(online.get())
            : new Answer(
                ReasonCode.UNSPECIFIED_ERROR, "presence not recorded: store unavailable", false));
  }

  /**
   * A certificate may publish only as its own device (or a device {@code deviceIdentities} grants
   * it) on a topic that names one; a refusal is audited.
   */
  private Optional<Rejection> authorize(Delivery d, String topicDevice) {
    if (d.identity() == null || topicDevice == null) {
      return Optional.empty();
    }
    Optional<Rejection> forbidden =
        store
            .ingestor()
            .identities()
            .check(d.identity().subject(), java.util.List.of(topicDevice), "topic");
    if (forbidden.isPresent()) {
      try {
        store
            .audit()
            .record(
                d.identity().subject(),
                ADAPTER + ".send-as-other-device",
                "topic " + d.topic(),
                "refused 0x87",
                forbidden.get().detail());
      } catch (RuntimeException e) {
        log.warn("MQTT refusal not audited: {}", e.getMessage());
      }
    }
    return forbidden;
  }

  private static Rejection tooLarge(int size, int limit, String key) {
    return new Rejection(
        RejectionReason.PAYLOAD_TOO_LARGE,
        null,
        "payload of " + size + " bytes exceeds " + key + " (" + limit + ")");
  }

  /** Journals the bytes as a refusal; the answer stands only if they were kept. */
  private CompletableFuture<Answer> refuse(
      Delivery d, Route route, ReasonCode code, Rejection why) {
    log.debug("MQTT message on {} refused: {} {}", d.topic(), code.hex(), why.reason().code());
    RawMessage raw =
        raw(RawIds.refused(why.reason(), d.sender(), d.topic(), d.payload()), d, route);
    CompletableFuture<Answer> kept;
    try {
      kept =
          store
              .ingestor()
              .refuse(raw, why)
              .orTimeout(commitTimeout.toMillis(), TimeUnit.MILLISECONDS)
              .thenApply(receipt -> Answer.refused(code, why));
    } catch (RuntimeException e) {
      kept = CompletableFuture.failedFuture(e);
    }
    return kept.exceptionally(e -> Answer.notStored(e, commitTimeout));
  }

  private CompletableFuture<Ingestor.Receipt> submit(RawMessage raw) {
    try {
      return store
          .ingestor()
          .submit(raw)
          .orTimeout(commitTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private RawMessage raw(String id, Delivery d, Route route) {
    String contentType =
        route == null
            ? "application/json"
            : JsonTemplateDecoder.contentType(route.template(), route.device());
    return new RawMessage(
        id,
        d.payload(),
        contentType,
        ADAPTER,
        d.source(),
        d.identity() == null ? null : d.identity().subject(),
        clock.instant());
  }
}
