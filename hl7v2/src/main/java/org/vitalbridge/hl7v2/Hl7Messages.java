package org.vitalbridge.hl7v2;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;

/**
 * Parsing of ER7 (pipe-encoded) HL7 v2 messages. Every version is read into the v2.6 structures
 * (PCD-01 is defined on 2.6; 2.5 and 2.5.1 senders are common) without HAPI's validation, because
 * content problems must become AE acknowledgments naming the field, not a parse failure.
 */
public final class Hl7Messages {
  public static final String CONTENT_TYPE = "x-application/hl7-v2+er7";

  private static final HapiContext CONTEXT = context();

  private Hl7Messages() {}

  private static HapiContext context() {
    HapiContext ctx = new DefaultHapiContext();
    ctx.setValidationContext(ValidationContextFactory.noValidation());
    ctx.setModelClassFactory(new CanonicalModelClassFactory("2.6"));
    // ACK control ids from memory: HAPI's default writes an "id_file" into the working directory.
    ctx.getParserConfiguration()
        .setIdGenerator(new ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator());
    // An OBX with a value but no (or an unknown) OBX-2 would make HAPI refuse the whole message and
    // lose every other row; read its OBX-5 as text and let the decoder reject that row alone.
    ctx.getParserConfiguration().setDefaultObx2Type("ST");
    ctx.getParserConfiguration().setInvalidObx2Type("ST");
    return ctx;
  }

  static PipeParser parser() {
    return CONTEXT.getPipeParser();
  }

  public static Message parse(String er7) throws HL7Exception {
    return parser().parse(normalizeSegmentSeparators(er7));
  }

  /**
   * The text of a raw message in the character set its MSH-18 names, else {@code defaultCharset};
   * bytes invalid in it are read as ISO-8859-1 (see {@link Msh18Charsets}).
   */
  public static String text(byte[] raw, java.nio.charset.Charset defaultCharset) {
    return new Msh18Charsets(defaultCharset).decode(raw);
  }

  /** Sender (MSH-3, universal id else namespace) and MSH-10: the key of a resend. */
  public static String resendKey(Message m) throws HL7Exception {
    ca.uhn.hl7v2.model.v26.segment.MSH msh = (ca.uhn.hl7v2.model.v26.segment.MSH) m.get("MSH");
    return sender(msh) + "|" + msh.getMessageControlID().getValue();
  }

  /** MSH-3: its universal id (often the gateway's EUI-64), else its namespace id. */
  static String sender(ca.uhn.hl7v2.model.v26.segment.MSH msh) {
    String universal = msh.getSendingApplication().getUniversalID().getValue();
    return universal != null && !universal.isBlank()
        ? universal
        : msh.getSendingApplication().getNamespaceID().getValue();
  }

  static String normalizeSegmentSeparators(String er7) {
    return er7.replace("\r\n", "\r").replace('\n', '\r').strip();
  }

  /** The first segment (normally MSH), whatever the segment separator. */
  static String firstSegment(String er7) {
    String normalized = normalizeSegmentSeparators(er7);
    int end = normalized.indexOf('\r');
    return end < 0 ? normalized : normalized.substring(0, end);
  }

  /**
   * The OBX segments (1-based occurrence in the message) whose OBX-2 value type is empty as sent.
   * The parser reads their OBX-5 as text to keep the other rows, so only the text tells them apart.
   */
  static java.util.Set<Integer> obxWithoutValueType(String er7) {
    String normalized = normalizeSegmentSeparators(er7);
    java.util.Set<Integer> untyped = new java.util.HashSet<>();
    if (normalized.length() < 4) {
      return untyped;
    }
    String fieldSeparator = String.valueOf(normalized.charAt(3));
    int occurrence = 0;
    for (String segment : normalized.split("\r")) {
      if (segment.startsWith("OBX" + fieldSeparator)) {
        occurrence++;
        String[] fields = segment.split(java.util.regex.Pattern.quote(fieldSeparator), 4);
        if (fields.length < 3 || fields[2].isBlank()) {
          untyped.add(occurrence);
        }
      }
    }
    return untyped;
  }

  /**
   * How many segments named {@code name} the message has, whatever the segment separator, without
   * copying it: a segment starts the text or follows CR/LF, and the field separator (MSH-1) ends
   * its name.
   */
  static int segmentCount(String er7, String name) {
    if (er7.length() < 4) {
      return 0;
    }
    char fieldSeparator = er7.charAt(3);
    int n = 0;
    for (int i = er7.indexOf(name); i >= 0; i = er7.indexOf(name, i + name.length())) {
      boolean starts = i == 0 || er7.charAt(i - 1) == '\r' || er7.charAt(i - 1) == '\n';
      int end = i + name.length();
      if (starts && (end == er7.length() || er7.charAt(end) == fieldSeparator)) {
        n++;
      }
    }
    return n;
  }
}
