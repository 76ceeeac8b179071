package org.vitalbridge.core.pipeline;

import java.util.ArrayList;
import java.util.List;
import org.vitalbridge.core.harmonize.HarmonizeResult;
import org.vitalbridge.core.harmonize.Harmonizer;
import org.vitalbridge.core.mapping.MappingResult;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.Provenance;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;

/** Decode then harmonize: a raw message in, measurements and rejections out. Stateless. */
public final class MessageProcessor {
  public static final String STAGE_DECODE = "decode";
  public static final String STAGE_HARMONIZE = "harmonize";

  private final List<PayloadDecoder> decoders;
  private final Harmonizer harmonizer;

  public MessageProcessor(List<PayloadDecoder> decoders, Harmonizer harmonizer) {
    this.decoders = List.copyOf(decoders);
    this.harmonizer = harmonizer;
  }

  public List<Outcome> process(RawMessage message) {
    for (PayloadDecoder decoder : decoders) {
      if (decoder.accepts(message.contentType())) {
        return harmonize(decoder.decode(message), message);
      }
    }
    return List.of(
        new Outcome.Rejected(
            STAGE_DECODE,
            new Rejection(
                RejectionReason.MALFORMED_PAYLOAD,
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
    List<Outcome> out = new ArrayList<>(m.readings().size());
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
