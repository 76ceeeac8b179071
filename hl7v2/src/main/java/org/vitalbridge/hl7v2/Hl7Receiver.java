package org.vitalbridge.hl7v2;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v26.segment.MSH;
import java.nio.charset.Charset;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vitalbridge.core.harmonize.MeasurementIds;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.model.RawMessageIds;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.core.pipeline.Outcome;
import org.vitalbridge.store.Journal;
import org.vitalbridge.store.NegativeAcks;

/**
 * One framed HL7 message in, one acknowledgment out: parse, decide (AR refusals, AE per rejected
 * OBX row), journal and wait for the commit, apply ADT to the bed associations, then answer. The
 * journal id is derived from sender, MSH-10 and the bytes, so a resend after a lost ACK is a no-op
 * in the journal and gets its AA again; everything received, refused ones included, is journaled,
 * so the pipeline quarantines what was refused with its bytes and reason.
 */
final class Hl7Receiver {
  private static final Logger log = LoggerFactory.getLogger(Hl7Receiver.class);
  static final String ADAPTER = "mllp";

  /** What goes back on the wire; {@code ack} is {@code null} when the sender asked for none. */
  record Reply(Hl7Acknowledgment ack, byte[] bytes) {}

  private final Journal journal;
  private final MessageProcessor processor;
  private final Pcd01Decoder decoder;
  private final AdtHandler adt;
  private final NegativeAcks negativeAcks;
  private final Clock clock;
  private final Msh18Charsets charsets;
  private final Duration commitTimeout;
  private final Pcd01Acknowledger acknowledger = new Pcd01Acknowledger();
  private final org.vitalbridge.store.DeviceIdentityPolicy identities;
  private final org.vitalbridge.store.AuditLog audit;

  Hl7Receiver(
      Journal journal,
      MessageProcessor processor,
      AdtHandler adt,
      NegativeAcks negativeAcks,
      Clock clock,
      Charset defaultCharset,
      Duration commitTimeout) {
    this(
        journal,
        processor,
        adt,
        negativeAcks,
        clock,
        defaultCharset,
        commitTimeout,
        org.vitalbridge.store.DeviceIdentityPolicy.SELF_ONLY,
        null);
  }

  /**
   * @param identities who a device certificate may send as (MSH-3 and the devices of its OBX rows)
   * @param audit where refusals of a device sending as another are recorded; null for none
   */
  Hl7Receiver(
      Journal journal,
      MessageProcessor processor,
      AdtHandler adt,
      NegativeAcks negativeAcks,
      Clock clock,
      Charset defaultCharset,
      Duration commitTimeout,
      org.vitalbridge.store.DeviceIdentityPolicy identities,
      org.vitalbridge.store.AuditLog audit) {
    this.identities = identities;
    this.audit = audit;
    this.journal = journal;
    this.processor = processor;
    this.decoder = new Pcd01Decoder(defaultCharset);
    this.adt = adt;
    this.negativeAcks = negativeAcks;
    this.clock = clock;
    this.charsets = new Msh18Charsets(defaultCharset);
    this.commitTimeout = commitTimeout;
  }

  Reply receive(byte[] payload, String remote, String identity) {
    // The ACK goes back in the sender's character set.
    Charset charset = charsets.charsetOf(payload);
    String er7 = charsets.decode(payload, charset);
    Message parsed;
    try {
      parsed = Hl7Messages.parse(er7);
    } catch (HL7Exception | RuntimeException e) {
      RawMessage raw = raw(RawMessageIds.next(clock), payload, remote, identity);
      Hl7Acknowledgment ack =
          commit(raw)
              .map(why -> acknowledger.unparseable(er7, why))
              .orElseGet(() -> acknowledger.unparseable(er7, "cannot parse: " + e.getMessage()));
      return reply(ack, remote, raw.id(), charset);
    }
    String sender = senderOf(parsed, remote);
    RawMessage raw = raw(rawId(sender, parsed, payload), payload, remote, identity);
    Optional<Hl7Acknowledgment.Error> refusal = acknowledger.refusal(parsed);
    List<Outcome> outcomes =
        refusal.isPresent() ? List.of() : processor.harmonize(decoder.decode(parsed, er7), raw);
    Optional<org.vitalbridge.core.model.Rejection> forbidden =
        refusal.isPresent() ? Optional.empty() : impersonation(parsed, outcomes, identity);
    if (forbidden.isPresent()) {
      return refuseImpersonation(parsed, raw, forbidden.get(), sender, charset);
    }
    if (refusal.isEmpty()) {
      processor.remember(raw.id(), outcomes);
    }
    Optional<String> notStored = commit(raw);
    Hl7Acknowledgment application;
    if (notStored.isPresent()) {
      application =
          acknowledger.refused(parsed, new Hl7Acknowledgment.Error("MSH", "207", notStored.get()));
    } else if (refusal.isPresent()) {
      application = acknowledger.refused(parsed, refusal.get());
    } else if (AdtHandler.isAdt(parsed)) {
      application = applyAdt(parsed, raw.id());
    } else {
      application = acknowledger.processed(parsed, outcomes);
    }
    return reply(AckMode.choose(parsed, application, acknowledger), sender, raw.id(), charset);
  }

  /**
   * With a client certificate: MSH-3 and the device of every reading must be the certificate's
   * device (or granted to it by {@code deviceIdentities}).
   */
  private Optional<org.vitalbridge.core.model.Rejection> impersonation(
      Message parsed, List<Outcome> outcomes, String identity) {
    if (identity == null) {
      return Optional.empty();
    }
    String msh3;
    try {
      msh3 = Hl7Messages.sender((MSH) parsed.get("MSH"));
    } catch (HL7Exception e) {
      msh3 = null;
    }
    Optional<org.vitalbridge.core.model.Rejection> bySender =
        identities.check(identity, msh3 == null ? List.of("") : List.of(msh3), "MSH-3");
    if (bySender.isPresent()) {
      return bySender;
    }
    List<String> devices = new ArrayList<>();
    for (Outcome o : outcomes) {
      if (o instanceof Outcome.Accepted a) {
        devices.add(a.measurement().device().value());
      }
    }
    return identities.check(identity, devices, "OBX-18");
  }

  /** Journals the bytes as refused (quarantined, never data), audits, answers AR. */
  private Reply refuseImpersonation(
      Message parsed,
      RawMessage raw,
      org.vitalbridge.core.model.Rejection why,
      String sender,
      Charset charset) {
    // An id of its own: the same bytes from a device allowed to send them are another message.
    RawMessage refused =
        new RawMessage(
            MeasurementIds.derived("mllp-refused|" + raw.id()).toString(),
            raw.payload(),
            org.vitalbridge.core.pipeline.RefusedContent.contentType(why, raw.contentType()),
            raw.adapter(),
            raw.sourceAddress(),
            raw.deviceIdentity(),
            raw.receivedAt());
    Optional<String> notStored = commit(refused);
    if (audit != null) {
      try {
        audit.record(
            raw.deviceIdentity(),
            ADAPTER + ".send-as-other-device",
            "raw " + refused.id(),
            "refused AR",
            why.detail());
      } catch (RuntimeException e) {
        log.warn("MLLP refusal not audited: {}", e.getMessage());
      }
    }
    String text = why.detail() + (notStored.isPresent() ? " (" + notStored.get() + ")" : "");
    Hl7Acknowledgment ack =
        acknowledger.refused(
            parsed,
            new Hl7Acknowledgment.Error(
                "MSH".equals(why.field()) || "MSH-3".equals(why.field()) ? "MSH^1^3" : "OBX^1^18",
                "207",
                text));
    return reply(AckMode.choose(parsed, ack, acknowledger), sender, refused.id(), charset);
  }

  /** A frame over the size limit: refused (it cannot be journaled), answered from its header. */
  Reply oversized(byte[] head, long size, String remote) {
    Charset charset = charsets.charsetOf(head);
    String er7 = charsets.decode(head, charset);
    String why = "message of " + size + " bytes is over the limit";
    Hl7Acknowledgment ack;
    try {
      ack =
          acknowledger.refused(
              Hl7Messages.parse(Hl7Messages.firstSegment(er7)),
              new Hl7Acknowledgment.Error("MSH", "207", why));
    } catch (HL7Exception | RuntimeException e) {
      ack = acknowledger.unparseable(er7, why);
    }
    log.warn("refused an HL7 frame of {} bytes from {}", size, remote);
    return reply(ack, remote, null, charset);
  }

  private Hl7Acknowledgment applyAdt(Message parsed, String rawId) {
    List<Hl7Acknowledgment.Error> errors =
        adt == null
            ? List.of(new Hl7Acknowledgment.Error("MSH^1^9", "207", "ADT handling is disabled"))
            : adt.apply(parsed, causeOf(parsed, rawId));
    if (errors.isEmpty()) {
      return acknowledger.processed(parsed, List.of());
    }
    return acknowledger.withErrors(parsed, errors);
  }

  /** Journals and waits for the commit; the reason when it was not stored. */
  private Optional<String> commit(RawMessage raw) {
    try {
      journal.append(raw).get(commitTimeout.toMillis(), TimeUnit.MILLISECONDS);
      return Optional.empty();
    } catch (ExecutionException e) {
      return Optional.of("not stored: " + e.getCause().getMessage());
    } catch (TimeoutException e) {
      return Optional.of("not stored within " + commitTimeout.toSeconds() + " s, retry");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("not stored: shutting down");
    }
  }

  private Reply reply(Hl7Acknowledgment ack, String peer, String rawId, Charset charset) {
    if (ack == null) {
      return new Reply(null, null);
    }
    if (!"AA".equals(ack.code()) && !"CA".equals(ack.code())) {
      List<NegativeAcks.Error> errors = new ArrayList<>();
      for (Hl7Acknowledgment.Error e : ack.errors()) {
        errors.add(new NegativeAcks.Error(e.location(), e.code(), e.text()));
      }
      try {
        negativeAcks.record(NegativeAcks.INBOUND, peer, ack.controlId(), ack.code(), errors, rawId);
      } catch (RuntimeException e) {
        log.warn("could not record a negative acknowledgment: {}", e.getMessage());
      }
    }
    return new Reply(ack, ack.er7().getBytes(charset));
  }

  private RawMessage raw(String id, byte[] payload, String remote, String identity) {
    return new RawMessage(
        id, payload, Hl7Messages.CONTENT_TYPE, ADAPTER, remote, identity, clock.instant());
  }

  /** Same sender, same control id, same bytes: the same journal entry. */
  private static String rawId(String sender, Message parsed, byte[] payload) {
    String controlId = controlId(parsed);
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(payload);
      return MeasurementIds.derived(
              "mllp|" + sender + "|" + controlId + "|" + HexFormat.of().formatHex(digest))
          .toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  private static String senderOf(Message parsed, String remote) {
    try {
      String sender = Hl7Messages.sender((MSH) parsed.get("MSH"));
      return sender == null || sender.isBlank() ? remote : sender;
    } catch (HL7Exception e) {
      return remote;
    }
  }

  private static String controlId(Message parsed) {
    try {
      return ((MSH) parsed.get("MSH")).getMessageControlID().getValue();
    } catch (HL7Exception e) {
      return null;
    }
  }

  private static String causeOf(Message parsed, String rawId) {
    try {
      MSH msh = (MSH) parsed.get("MSH");
      return msh.getMessageType().getMessageCode().getValue()
          + "^"
          + msh.getMessageType().getTriggerEvent().getValue()
          + " "
          + msh.getMessageControlID().getValue()
          + " raw "
          + rawId;
    } catch (HL7Exception e) {
      return "ADT raw " + rawId;
    }
  }
}
