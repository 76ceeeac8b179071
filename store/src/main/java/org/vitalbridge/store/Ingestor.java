package org.vitalbridge.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.core.pipeline.Outcome;
import org.vitalbridge.core.pipeline.RefusedContent;

/**
 * The way in for adapters that answer their sender with what became of a message (HTTP, MQTT,
 * WebSocket): decode and harmonize now, so the answer can name the measurements and rejections;
 * journal without waiting for room; complete once the journal has committed, never before. The
 * pipeline then writes the remembered outcomes instead of decoding the bytes again.
 */
public final class Ingestor {
  private final Journal journal;
  private final MessageProcessor processor;
  private final DeviceIdentityPolicy identities;
  private final AuditLog audit;

  Ingestor(
      Journal journal,
      MessageProcessor processor,
      DeviceIdentityPolicy identities,
      AuditLog audit) {
    this.journal = journal;
    this.processor = processor;
    this.identities = identities;
    this.audit = audit;
  }

  /**
   * What became of one journaled message.
   *
   * @param outcomes the measurements and rejections its bytes gave
   */
  public record Receipt(String rawId, List<Outcome> outcomes) {
    public Receipt {
      outcomes = List.copyOf(outcomes);
    }

    public List<String> measurementIds() {
      List<String> ids = new ArrayList<>();
      for (Outcome o : outcomes) {
        if (o instanceof Outcome.Accepted a) {
          ids.add(a.measurement().id().toString());
        }
      }
      return ids;
    }

    public List<Outcome.Rejected> rejections() {
      List<Outcome.Rejected> out = new ArrayList<>();
      for (Outcome o : outcomes) {
        if (o instanceof Outcome.Rejected r) {
          out.add(r);
        }
      }
      return out;
    }

    /** At least one measurement came out of it. */
    public boolean anyStored() {
      return outcomes.stream().anyMatch(Outcome.Accepted.class::isInstance);
    }

    /** Nothing but rejections: the message as a whole was refused (and quarantined). */
    public boolean wholeRejected() {
      return !outcomes.isEmpty() && !anyStored();
    }

    /**
     * Refused before any reading was read out of it: bad bytes, no template, refused on receipt.
     */
    public boolean malformed() {
      return !anyStored()
          && outcomes.stream()
              .anyMatch(
                  o ->
                      o instanceof Outcome.Rejected r
                          && !MessageProcessor.STAGE_HARMONIZE.equals(r.stage()));
    }
  }

  /**
   * Decodes and harmonizes {@code raw} in the caller's thread (CPU work: keep it off event loops),
   * then journals it. The future completes after the commit, or fails with {@link
   * PayloadTooLargeException}, {@link JournalOverloadedException} (back-pressure) or {@link
   * StoreException}. The same raw id twice is journaled once and answered alike.
   */
  public CompletableFuture<Receipt> submit(RawMessage raw) {
    if (raw.size() > journal.maxPayloadBytes()) {
      return CompletableFuture.failedFuture(
          new PayloadTooLargeException(raw.size(), journal.maxPayloadBytes()));
    }
    List<Outcome> outcomes = processor.evaluate(raw);
    // A device certificate speaks for its own device: a payload naming another one is refused
    // whole (nothing of it stored as data), kept quarantined, and audited.
    List<String> devices = new ArrayList<>();
    for (Outcome o : outcomes) {
      if (o instanceof Outcome.Accepted a) {
        devices.add(a.measurement().device().value());
      }
    }
    Optional<Rejection> forbidden = identities.check(raw.deviceIdentity(), devices, "device");
    if (forbidden.isPresent()) {
      auditRefusal(raw, forbidden.get());
      return refuse(raw, forbidden.get());
    }
    processor.remember(raw.id(), outcomes);
    return journal.offer(raw).thenApply(done -> new Receipt(raw.id(), outcomes));
  }

  /**
   * Records in the audit trail that a device was refused for naming another device; a failing audit
   * write does not change the answer.
   */
  public void auditRefusal(RawMessage raw, Rejection why) {
    try {
      audit.record(
          raw.deviceIdentity(),
          raw.adapter() + ".send-as-other-device",
          "raw " + raw.id(),
          "refused",
          why.detail());
    } catch (RuntimeException e) {
      // The refusal stands; the journal keeps the bytes and the reason.
    }
  }

  /** Who a device certificate may speak for. */
  public DeviceIdentityPolicy identities() {
    return identities;
  }

  /**
   * Journals bytes the adapter refused ({@code why}: unknown topic, not authorized, over the size
   * limit, unsupported content type) so they are kept and quarantined, never read as data. Bytes
   * over the journal's limit are cut to it; the detail says how many there were.
   */
  public CompletableFuture<Receipt> refuse(RawMessage raw, Rejection why) {
    byte[] payload = raw.payload();
    Rejection kept = why;
    if (payload.length > journal.maxPayloadBytes()) {
      kept =
          new Rejection(
              why.reason(),
              why.field(),
              why.detail()
                  + " (only the first "
                  + journal.maxPayloadBytes()
                  + " of "
                  + payload.length
                  + " bytes are kept)");
      payload = Arrays.copyOf(payload, journal.maxPayloadBytes());
    }
    RawMessage refused =
        new RawMessage(
            raw.id(),
            payload,
            RefusedContent.contentType(kept, raw.contentType()),
            raw.adapter(),
            raw.sourceAddress(),
            raw.deviceIdentity(),
            raw.receivedAt());
    List<Outcome> outcomes = List.of(new Outcome.Rejected(MessageProcessor.STAGE_RECEIVE, kept));
    return journal.offer(refused).thenApply(done -> new Receipt(refused.id(), outcomes));
  }
}
