package org.vitalbridge.core.pipeline;

import java.util.Map;
import java.util.Optional;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;

/**
 * The content type of bytes an adapter refused on receipt (unknown topic, not authorized, over the
 * size limit) but journals anyway so nothing is lost: the refusal travels with the bytes, so the
 * pipeline quarantines them with the same reason after a restart or on reprocessing instead of
 * decoding them as data. {@code application/vnd.vitalbridge.refused; reason="unrouted"; detail="…";
 * was="application/json"}.
 */
public final class RefusedContent {
  public static final String TYPE = "application/vnd.vitalbridge.refused";

  private RefusedContent() {}

  public static String contentType(Rejection why, String originalContentType) {
    StringBuilder b = new StringBuilder(TYPE);
    b.append("; reason=").append(MediaTypeParameters.quote(why.reason().code()));
    if (why.field() != null) {
      b.append("; field=").append(MediaTypeParameters.quote(why.field()));
    }
    b.append("; detail=").append(MediaTypeParameters.quote(why.detail()));
    if (originalContentType != null) {
      b.append("; was=").append(MediaTypeParameters.quote(originalContentType));
    }
    return b.toString();
  }

  /** The refusal a content type carries, or empty when it is not a refused one. */
  public static Optional<Rejection> rejection(String contentType) {
    if (!MediaTypeParameters.baseType(contentType).equalsIgnoreCase(TYPE)) {
      return Optional.empty();
    }
    Map<String, String> p = MediaTypeParameters.parse(contentType);
    RejectionReason reason =
        RejectionReason.ofCode(p.getOrDefault("reason", ""))
            .orElse(RejectionReason.UNSUPPORTED_MESSAGE);
    String detail = p.getOrDefault("detail", "refused on receipt");
    return Optional.of(new Rejection(reason, p.get("field"), detail));
  }

  /** The content type the sender declared, when the refused bytes carry it. */
  public static Optional<String> originalContentType(String contentType) {
    return Optional.ofNullable(MediaTypeParameters.parse(contentType).get("was"));
  }
}
