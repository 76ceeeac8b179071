package org.vitalbridge.core.pipeline;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.vitalbridge.core.harmonize.HarmonizeResult;
import org.vitalbridge.core.harmonize.Harmonizer;
import org.vitalbridge.core.mapping.MappingResult;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.Provenance;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;

/**
 * Decode then harmonize: a raw message in, measurements and rejections out. Deterministic: the same
 * bytes give the same outcomes, which is what lets an adapter that had to decode a message before
 * acknowledging it ({@link #remember}) spare the pipeline worker decoding it again.
 */
public final class MessageProcessor {
  public static final String STAGE_DECODE = "decode";
  public static final String STAGE_HARMONIZE = "harmonize";

  /** Refused by the adapter on receipt (see {@link RefusedContent}). */
  public static final String STAGE_RECEIVE = "receive";

  /** Enough for the pipeline's lag under load; an evicted entry is simply decoded again. */
  private static final int REMEMBERED = 4096;

  private final List<PayloadDecoder> decoders;
  private final Harmonizer harmonizer;
  private final Map<String, List<Outcome>> remembered =
      Collections.synchronizedMap(
          new LinkedHashMap<>(256, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, List<Outcome>> eldest) {
              return size() > REMEMBERED;
            }
          });

  public MessageProcessor(List<PayloadDecoder> decoders, Harmonizer harmonizer) {
    this.decoders = List.copyOf(decoders);
    this.harmonizer = harmonizer;
  }

  /**
   * Keeps the outcomes an adapter computed for {@code rawId} (to answer its sender) so that {@link
   * #process} of that journaled message returns them once instead of decoding the bytes again.
   */
  public void remember(String rawId, List<Outcome> outcomes) {
    // A resend of a message still waiting in the journal keeps the first receipt's outcomes.
    remembered.putIfAbsent(rawId, List.copyOf(outcomes));
  }

  public List<Outcome> process(RawMessage message) {
    List<Outcome> known = remembered.remove(message.id());
    if (known != null) {
      return known;
    }
    return evaluate(message);
  }

  /** Decodes and harmonizes {@code message}, whatever was remembered for it. */
  public List<Outcome> evaluate(RawMessage message) {
    Optional<Rejection> refused = RefusedContent.rejection(message.contentType());
    if (refused.isPresent()) {
      return List.of(new Outcome.Rejected(STAGE_RECEIVE, refused.get()));
    }
    for (PayloadDecoder decoder : decoders) {
      if (decoder.accepts(message.contentType())) {
        return harmonize(decoder.decode(message), message);
      }
    }
    return List.of(
        new Outcome.Rejected(
            STAGE_DECODE,
            new Rejection(
                RejectionReason.UNSUPPORTED_MESSAGE,
                null,
                "no decoder for content type '" + message.contentType() + "'")));
  }

  /** Harmonizes what a decoder produced; {@code message} supplies receive time and provenance. */
  public List<Outcome> harmonize(MappingResult mapped, RawMessage message) {
    if (mapped instanceof MappingResult.Failed f) {
      return List.of(new Outcome.Rejected(STAGE_DECODE, f.rejection()));
    }
    MappingResult.Mapped m = (MappingResult.Mapped) mapped;
    Provenance provenance = new Provenance(message.id(), message.adapter(), m.mapping());
    List<Outcome> out = new ArrayList<>(m.readings().size() + m.rejected().size());
    for (Rejection r : m.rejected()) {
      out.add(new Outcome.Rejected(STAGE_DECODE, r));
    }
    for (DeviceReading reading : m.readings()) {
      HarmonizeResult r = harmonizer.harmonize(reading, message.receivedAt(), provenance);
      out.add(
          r instanceof HarmonizeResult.Accepted a
              ? new Outcome.Accepted(a.measurement())
              : new Outcome.Rejected(STAGE_HARMONIZE, ((HarmonizeResult.Rejected) r).rejection()));
    }
    return out;
  }
}
