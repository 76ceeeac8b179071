package org.vitalbridge.devices.phd;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;

/**
 * The manager side of one 20601 connection, transport-free: APDUs in, reply APDUs and reports to
 * journal out. Unassociated → (AARQ) → operating, or waiting-for-config when the configuration is
 * unknown → (config report accepted) → operating → (RLRQ) → unassociated; the manager's own release
 * goes through disassociating. An APDU the state does not expect is answered with ABRT, as 20601's
 * manager state table does. Not thread-safe: one per connection, driven by its reader.
 */
final class PhdManager {
  /** 20601 TO_config: how long the manager waits for the agent's config report. */
  static final Duration CONFIG_TIMEOUT = Duration.ofSeconds(10);

  /** 20601 TO_release: how long the manager waits for RLRE after its RLRQ. */
  static final Duration RELEASE_TIMEOUT = Duration.ofSeconds(3);

  enum State {
    UNASSOCIATED,
    WAITING_CONFIG,
    OPERATING,
    DISASSOCIATING
  }

  /**
   * A data report to journal.
   *
   * @param replyAfterCommit the rors to send once the journal committed, {@code null} for an
   *     unconfirmed report
   */
  record Report(String contentType, byte[] payload, byte[] replyAfterCommit, String deviceId) {}

  /**
   * What one APDU caused.
   *
   * @param replies APDUs to send now, in order
   * @param reports reports to journal (then send their replies), in order
   * @param malformed set when the APDU could not be read: keep its bytes quarantined
   */
  record Step(List<byte[]> replies, List<Report> reports, Rejection malformed) {
    static Step reply(byte[] apdu) {
      return new Step(List.of(apdu), List.of(), null);
    }

    static Step none() {
      return new Step(List.of(), List.of(), null);
    }
  }

  private final Map<String, byte[]> configCache;
  private final ZoneId zone;
  private State state = State.UNASSOCIATED;
  private String systemId;
  private int configId;
  private byte[] configApdu;

  /**
   * @param configCache accepted extended configurations (their config report APDUs) by {@code
   *     system-id:config-id}, shared by all connections so that an agent's next association is
   *     accepted at once
   * @param zone written into each report's content type, {@code null} for the device's zone
   */
  PhdManager(Map<String, byte[]> configCache, ZoneId zone) {
    this.configCache = configCache;
    this.zone = zone;
  }

  State state() {
    return state;
  }

  String deviceId() {
    return systemId == null ? null : PhdContentType.deviceId(systemId);
  }

  /** How long the current state may wait for the agent, empty for the transport's idle timeout. */
  Optional<Duration> deadline() {
    return switch (state) {
      case WAITING_CONFIG -> Optional.of(CONFIG_TIMEOUT);
      case DISASSOCIATING -> Optional.of(RELEASE_TIMEOUT);
      default -> Optional.empty();
    };
  }

  /** The deadline passed: ABRT with the 20601 reason, back to unassociated. */
  byte[] timedOut() {
    int reason =
        state == State.WAITING_CONFIG
            ? Phd.ABORT_CONFIGURATION_TIMEOUT
            : Phd.ABORT_RESPONSE_TIMEOUT;
    return abort(reason);
  }

  /** The manager ends the association (shutdown): RLRQ if associated, else nothing. */
  Optional<byte[]> release() {
    if (state == State.OPERATING || state == State.WAITING_CONFIG) {
      state = State.DISASSOCIATING;
      return Optional.of(ApduCodec.rlrq(Phd.RELEASE_NORMAL));
    }
    return Optional.empty();
  }

  Step receive(byte[] bytes) {
    Apdu apdu;
    try {
      apdu = ApduCodec.decode(bytes);
    } catch (MderException e) {
      Rejection why = new Rejection(RejectionReason.MALFORMED_PAYLOAD, null, e.getMessage());
      boolean associated = state != State.UNASSOCIATED;
      state = State.UNASSOCIATED;
      return new Step(
          associated ? List.of(ApduCodec.abrt(Phd.ABORT_UNDEFINED)) : List.of(), List.of(), why);
    }
    if (apdu instanceof Apdu.Abrt) {
      state = State.UNASSOCIATED;
      return Step.none();
    }
    return switch (state) {
      case UNASSOCIATED -> unassociated(apdu);
      case WAITING_CONFIG -> waitingConfig(apdu, bytes);
      case OPERATING -> operating(apdu, bytes);
      case DISASSOCIATING -> disassociating(apdu);
    };
  }

  private Step unassociated(Apdu apdu) {
    if (!(apdu instanceof Apdu.Aarq aarq)) {
      // 20601: anything but AARQ (or ABRT) while unassociated is answered with ABRT.
      return Step.reply(ApduCodec.abrt(Phd.ABORT_UNDEFINED));
    }
    int refusal = refusal(aarq);
    if (refusal >= 0) {
      return Step.reply(ApduCodec.aare(refusal, aarq.has20601()));
    }
    systemId = aarq.systemId();
    configId = aarq.devConfigId();
    configApdu = null;
    if (StandardConfigs.find(configId).isPresent()) {
      state = State.OPERATING;
      return Step.reply(ApduCodec.aare(Phd.ACCEPTED, true));
    }
    byte[] cached = configCache.get(cacheKey());
    if (cached != null) {
      configApdu = cached;
      state = State.OPERATING;
      return Step.reply(ApduCodec.aare(Phd.ACCEPTED, true));
    }
    state = State.WAITING_CONFIG;
    return Step.reply(ApduCodec.aare(Phd.ACCEPTED_UNKNOWN_CONFIG, true));
  }

  /** The AARE result refusing this AARQ, or -1 to accept it. */
  private static int refusal(Apdu.Aarq aarq) {
    if ((aarq.assocVersion() & Phd.ASSOC_VERSION1) == 0) {
      return Phd.REJECTED_UNSUPPORTED_ASSOC_VERSION;
    }
    if (!aarq.has20601() || (aarq.protocolVersion() & 0xE0000000L) == 0) {
      return Phd.REJECTED_NO_COMMON_PROTOCOL;
    }
    if ((aarq.encodingRules() & Phd.ENCODING_MDER) == 0) {
      return Phd.REJECTED_NO_COMMON_PARAMETER;
    }
    if ((aarq.systemType() & Phd.SYS_TYPE_AGENT) == 0 || aarq.systemId().isEmpty()) {
      return Phd.REJECTED_PERMANENT;
    }
    return -1;
  }

  private Step waitingConfig(Apdu apdu, byte[] bytes) {
    if (apdu instanceof Apdu.Rlrq) {
      state = State.UNASSOCIATED;
      return Step.reply(ApduCodec.rlre(Phd.RELEASE_NORMAL));
    }
    EventReport report = eventReport(apdu);
    if (report == null || report.eventType() != Phd.NOTI_CONFIG) {
      return Step.reply(abort(Phd.ABORT_UNDEFINED));
    }
    int result;
    int reportId = 0;
    try {
      DeviceConfig.Report config = DeviceConfig.parseReport(configId, report.info().array());
      reportId = config.reportId();
      result = config.config().objects().isEmpty() ? Phd.CONFIG_UNSUPPORTED : Phd.CONFIG_ACCEPTED;
    } catch (MderException e) {
      result = Phd.CONFIG_UNSUPPORTED;
    }
    if (result == Phd.CONFIG_ACCEPTED) {
      configApdu = bytes.clone();
      configCache.put(cacheKey(), configApdu);
      state = State.OPERATING;
    }
    // Unsupported: stay waiting; the agent may send another configuration or release.
    byte[] info = new MderWriter().u16(reportId).u16(result).toBytes();
    return report.confirmed()
        ? Step.reply(ApduCodec.eventReportResult(report.invokeId(), Phd.NOTI_CONFIG, info))
        : Step.none();
  }

  private Step operating(Apdu apdu, byte[] bytes) {
    if (apdu instanceof Apdu.Rlrq) {
      state = State.UNASSOCIATED;
      return Step.reply(ApduCodec.rlre(Phd.RELEASE_NORMAL));
    }
    if (!(apdu instanceof Apdu.Prst p)) {
      return Step.reply(abort(Phd.ABORT_UNDEFINED)); // AARQ, AARE, RLRE while operating
    }
    if (!EventReport.isEventReport(p)) {
      // Answers to requests this manager never sends, or invocations it does not serve.
      return p.choice() >= Phd.RORS_CONFIRMED_EVENT_REPORT
          ? Step.none()
          : Step.reply(abort(Phd.ABORT_UNDEFINED));
    }
    EventReport report;
    try {
      report = EventReport.of((Apdu.Prst) apdu);
    } catch (MderException e) {
      Rejection why = new Rejection(RejectionReason.MALFORMED_PAYLOAD, null, e.getMessage());
      return new Step(List.of(abort(Phd.ABORT_UNDEFINED)), List.of(), why);
    }
    if (report.eventType() == Phd.NOTI_CONFIG) {
      return Step.reply(abort(Phd.ABORT_UNDEFINED));
    }
    byte[] payload = bytes;
    if (configApdu != null) {
      payload = new byte[configApdu.length + bytes.length];
      System.arraycopy(configApdu, 0, payload, 0, configApdu.length);
      System.arraycopy(bytes, 0, payload, configApdu.length, bytes.length);
    }
    byte[] reply =
        report.confirmed()
            ? ApduCodec.eventReportResult(report.invokeId(), report.eventType(), new byte[0])
            : null;
    String type = new PhdContentType(configId, systemId, zone).format();
    return new Step(List.of(), List.of(new Report(type, payload, reply, deviceId())), null);
  }

  private Step disassociating(Apdu apdu) {
    if (apdu instanceof Apdu.Rlre) {
      state = State.UNASSOCIATED;
      return Step.none();
    }
    if (apdu instanceof Apdu.Rlrq) {
      // Both sides released at once: answer and consider it done.
      state = State.UNASSOCIATED;
      return Step.reply(ApduCodec.rlre(Phd.RELEASE_NORMAL));
    }
    // Reports still in flight are dropped by the agent on release; nothing else is expected.
    return apdu instanceof Apdu.Prst ? Step.none() : Step.reply(abort(Phd.ABORT_UNDEFINED));
  }

  /** The event report in {@code apdu}, or {@code null} when it is none or unreadable. */
  private static EventReport eventReport(Apdu apdu) {
    if (!(apdu instanceof Apdu.Prst p) || !EventReport.isEventReport(p)) {
      return null;
    }
    try {
      return EventReport.of(p);
    } catch (MderException e) {
      return null;
    }
  }

  private byte[] abort(int reason) {
    state = State.UNASSOCIATED;
    return ApduCodec.abrt(reason);
  }

  private String cacheKey() {
    return systemId + ":" + configId;
  }
}
