package org.vitalbridge.mqtt;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.core.pipeline.Outcome;
import org.vitalbridge.store.Ingestor;
import org.vitalbridge.store.JournalOverloadedException;

/**
 * What a sender is told about one PUBLISH: a reason code, a reason string (MQTT 5 property), and
 * whether the bytes are durably journaled — as data or as a refusal. Only a kept message may be
 * acknowledged in a way that ends the sender's retries (a QoS 2 PUBREC, a broker acknowledgement).
 *
 * @param reason a short explanation for the sender: reason codes, fields and counts (and, for an
 *     unreadable payload, the parser's message about its own bytes)
 * @param kept the bytes are committed to the journal
 */
record Answer(ReasonCode code, String reason, boolean kept) {
  /** Long enough to say what happened; a reason string is no place for a whole report. */
  static final int MAX_REASON_LENGTH = 256;

  Answer {
    reason = cut(reason);
  }

  /** The answer to a journaled message, from what its bytes gave. */
  static Answer of(Ingestor.Receipt receipt) {
    List<Outcome.Rejected> rejected = receipt.rejections();
    int stored = receipt.measurementIds().size();
    Optional<Outcome.Rejected> notAuthorized =
        rejected.stream()
            .filter(r -> r.rejection().reason() == RejectionReason.NOT_AUTHORIZED)
            .findFirst();
    if (notAuthorized.isPresent()) {
      // The payload names a device the client certificate is not: as for a topic, 0x87.
      return new Answer(
          ReasonCode.NOT_AUTHORIZED,
          "not authorized (quarantined): " + notAuthorized.get().rejection().detail(),
          true);
    }
    if (receipt.malformed()) {
      Rejection first =
          rejected.stream()
              .filter(r -> !MessageProcessor.STAGE_HARMONIZE.equals(r.stage()))
              .findFirst()
              .orElseThrow()
              .rejection();
      return new Answer(
          ReasonCode.PAYLOAD_FORMAT_INVALID,
          "payload not readable (quarantined): " + first.reason().code() + ": " + first.detail(),
          true);
    }
    if (stored == 0 && rejected.isEmpty()) {
      return new Answer(
          ReasonCode.PAYLOAD_FORMAT_INVALID, "the template read no readings from it", true);
    }
    if (stored == 0) {
      return new Answer(
          ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR,
          "all " + rejected.size() + " readings rejected (quarantined): " + summary(rejected),
          true);
    }
    if (rejected.isEmpty()) {
      return new Answer(ReasonCode.SUCCESS, stored + " measurements stored", true);
    }
    return new Answer(
        ReasonCode.SUCCESS,
        stored
            + " measurements stored, "
            + rejected.size()
            + " readings rejected (quarantined): "
            + summary(rejected),
        true);
  }

  /** Refused on receipt and kept in quarantine under {@code why}. */
  static Answer refused(ReasonCode code, Rejection why) {
    return new Answer(code, why.reason().code() + " (quarantined): " + why.detail(), true);
  }

  /**
   * The message is not known to be stored: journal back-pressure, a failed or slow commit. The
   * sender should send it again (the same raw id makes that safe).
   */
  static Answer notStored(Throwable failure, Duration commitTimeout) {
    Throwable t = unwrap(failure);
    if (t instanceof JournalOverloadedException) {
      return new Answer(ReasonCode.QUOTA_EXCEEDED, "journal busy, not stored: retry later", false);
    }
    if (t instanceof TimeoutException) {
      return new Answer(
          ReasonCode.UNSPECIFIED_ERROR,
          "not committed within "
              + (commitTimeout == null ? "the commit timeout" : commitTimeout)
              + ", may not be stored: retry",
          false);
    }
    return new Answer(ReasonCode.UNSPECIFIED_ERROR, "not stored: journal unavailable", false);
  }

  /** A presence report (no journal involved). */
  static Answer presence(boolean online) {
    return new Answer(ReasonCode.SUCCESS, "presence " + (online ? "online" : "offline"), true);
  }

  static Throwable unwrap(Throwable t) {
    Throwable e = t;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** Distinct reason codes with the fields they concern: "out-of-range ($.spo2), not-numeric". */
  private static String summary(List<Outcome.Rejected> rejected) {
    Set<String> parts = new LinkedHashSet<>();
    for (Outcome.Rejected r : rejected) {
      Rejection why = r.rejection();
      parts.add(
          why.field() == null
              ? why.reason().code()
              : why.reason().code() + " (" + why.field() + ")");
    }
    return String.join(", ", parts);
  }

  private static String cut(String s) {
    if (s == null || s.length() <= MAX_REASON_LENGTH) {
      return s;
    }
    return s.substring(0, MAX_REASON_LENGTH - 1) + "…";
  }
}
