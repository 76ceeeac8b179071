package org.vitalbridge.hl7v2;

import ca.uhn.hl7v2.AcknowledgmentCode;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v26.message.ACK;
import ca.uhn.hl7v2.model.v26.segment.ERR;
import ca.uhn.hl7v2.model.v26.segment.MSH;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.pipeline.Outcome;

/**
 * Decides and builds the acknowledgment of a PCD-01 message (HL7 table 0008): AR when the message
 * type, version or processing id is not supported (nothing is stored); AE when it was stored but
 * some OBX rows were rejected (one ERR per problem, HL7 table 0357 codes); AA otherwise. ADT events
 * that move patients between beds are accepted too: they drive the bed associations.
 */
public final class Pcd01Acknowledger {
  private static final Set<String> VERSIONS = Set.of("2.5", "2.5.1", "2.6");
  private static final Set<String> PROCESSING_IDS = Set.of("P", "D", "T");
  static final Set<String> ADT_EVENTS =
      Set.of("A01", "A02", "A03", "A04", "A08", "A11", "A12", "A13");

  /** Why a message is refused outright, or empty when it is one we process. */
  public Optional<Hl7Acknowledgment.Error> refusal(Message message) {
    try {
      MSH msh = (MSH) message.get("MSH");
      String type = msh.getMessageType().getMessageCode().getValue();
      String event = msh.getMessageType().getTriggerEvent().getValue();
      String version = msh.getVersionID().getVersionID().getValue();
      String processing = msh.getProcessingID().getProcessingID().getValue();
      if (!"ORU".equals(type) && !"ADT".equals(type)) {
        return Optional.of(
            new Hl7Acknowledgment.Error("MSH^1^9", "200", "unsupported message type " + type));
      }
      if ("ORU".equals(type) ? !"R01".equals(event) : !ADT_EVENTS.contains(event)) {
        return Optional.of(
            new Hl7Acknowledgment.Error(
                "MSH^1^9", "201", "unsupported event " + type + "^" + event));
      }
      if (!VERSIONS.contains(version)) {
        return Optional.of(
            new Hl7Acknowledgment.Error("MSH^1^12", "203", "unsupported version " + version));
      }
      if (!PROCESSING_IDS.contains(processing)) {
        return Optional.of(
            new Hl7Acknowledgment.Error(
                "MSH^1^11", "202", "unsupported processing id " + processing));
      }
      return Optional.empty();
    } catch (HL7Exception e) {
      return Optional.of(
          new Hl7Acknowledgment.Error("MSH", "207", "cannot read MSH: " + e.getMessage()));
    }
  }

  /** AA or AE for a message that was processed, from its outcomes. */
  public Hl7Acknowledgment processed(Message message, List<Outcome> outcomes) {
    List<Hl7Acknowledgment.Error> errors = new ArrayList<>();
    for (Outcome o : outcomes) {
      if (o instanceof Outcome.Rejected r) {
        errors.add(error(r.rejection()));
      }
    }
    return build(message, errors.isEmpty() ? AcknowledgmentCode.AA : AcknowledgmentCode.AE, errors);
  }

  /** AE with errors found outside the OBX rows (an ADT that cannot be applied). */
  public Hl7Acknowledgment withErrors(Message message, List<Hl7Acknowledgment.Error> errors) {
    return build(message, AcknowledgmentCode.AE, errors);
  }

  /** AR with the refusal. */
  public Hl7Acknowledgment refused(Message message, Hl7Acknowledgment.Error why) {
    return build(message, AcknowledgmentCode.AR, List.of(why));
  }

  /**
   * The same decision as an accept acknowledgment (enhanced mode, MSH-15): CA when committed, CE
   * for content errors, CR when refused.
   */
  public Hl7Acknowledgment accept(Message message, Hl7Acknowledgment application) {
    AcknowledgmentCode code =
        switch (application.code()) {
          case "AA", "CA" -> AcknowledgmentCode.CA;
          case "AE", "CE" -> AcknowledgmentCode.CE;
          default -> AcknowledgmentCode.CR;
        };
    return build(message, code, application.errors());
  }

  /**
   * The answer to a message HAPI cannot parse: AE built on its MSH when that much is readable (the
   * sender learns which message failed), else AR on a bare ACK.
   */
  public Hl7Acknowledgment unparseable(String er7, String why) {
    Hl7Acknowledgment.Error error = new Hl7Acknowledgment.Error("MSH", "100", why);
    String mshLine = Hl7Messages.firstSegment(er7);
    if (mshLine.startsWith("MSH")) {
      try {
        return build(Hl7Messages.parse(mshLine), AcknowledgmentCode.AE, List.of(error));
      } catch (HL7Exception | RuntimeException e) {
        // fall through: not even the header is usable
      }
    }
    try {
      ACK bare = new ACK();
      bare.initQuickstart("ACK", null, "P");
      bare.getMSH().getVersionID().getVersionID().setValue("2.6");
      return build(bare, AcknowledgmentCode.AR, List.of(error), null);
    } catch (HL7Exception | IOException e) {
      throw new IllegalStateException("cannot build an HL7 acknowledgment: " + e.getMessage(), e);
    }
  }

  static Hl7Acknowledgment.Error error(Rejection r) {
    String code =
        switch (r.reason()) {
          // The decoder's structural failures (unparseable, OBX outside an OBR group): table 0357
          // calls that a segment sequence error, as unparseable() answers before decoding.
          case MALFORMED_PAYLOAD -> "100";
          case MISSING_FIELD -> "101";
          case NOT_NUMERIC, BAD_TIMESTAMP, OUT_OF_RANGE, UNSUPPORTED_VALUE -> "102";
          case UNKNOWN_METRIC, UNIT_UNKNOWN, UNIT_INCOMPATIBLE, UNSUPPORTED_STATUS -> "103";
          default -> "207";
        };
    return new Hl7Acknowledgment.Error(
        r.field() == null ? "MSH" : r.field(), code, r.reason().code() + ": " + r.detail());
  }

  private static Hl7Acknowledgment build(
      Message message, AcknowledgmentCode code, List<Hl7Acknowledgment.Error> errors) {
    try {
      String controlId = ((MSH) message.get("MSH")).getMessageControlID().getValue();
      return build((ACK) message.generateACK(code, null), code, errors, controlId);
    } catch (HL7Exception | IOException e) {
      throw new IllegalStateException("cannot build an HL7 acknowledgment: " + e.getMessage(), e);
    }
  }

  private static Hl7Acknowledgment build(
      ACK ack, AcknowledgmentCode code, List<Hl7Acknowledgment.Error> errors, String controlId) {
    try {
      if (controlId == null) {
        ack.getMSA().getAcknowledgmentCode().setValue(code.name());
      }
      for (int i = 0; i < errors.size(); i++) {
        Hl7Acknowledgment.Error e = errors.get(i);
        ERR err = ack.getERR(i);
        String[] loc = e.location().split("\\^");
        err.getErrorLocation(0).getSegmentID().setValue(loc[0]);
        if (loc.length > 1) {
          err.getErrorLocation(0).getSegmentSequence().setValue(loc[1]);
        }
        if (loc.length > 2) {
          err.getErrorLocation(0).getFieldPosition().setValue(loc[2]);
        }
        err.getHL7ErrorCode().getIdentifier().setValue(e.code());
        err.getHL7ErrorCode().getText().setValue(text0357(e.code()));
        err.getHL7ErrorCode().getNameOfCodingSystem().setValue("HL70357");
        err.getSeverity().setValue("E");
        err.getUserMessage().setValue(e.text());
      }
      if (!errors.isEmpty()) {
        ack.getMSA().getTextMessage().setValue(errors.get(0).text());
      }
      return new Hl7Acknowledgment(code.name(), controlId, errors, ack.encode());
    } catch (HL7Exception e) {
      throw new IllegalStateException("cannot build an HL7 acknowledgment: " + e.getMessage(), e);
    }
  }

  private static String text0357(String code) {
    return switch (code) {
      case "100" -> "Segment sequence error";
      case "101" -> "Required field missing";
      case "102" -> "Data type error";
      case "103" -> "Table value not found";
      case "200" -> "Unsupported message type";
      case "201" -> "Unsupported event code";
      case "202" -> "Unsupported processing id";
      case "203" -> "Unsupported version id";
      default -> "Application internal error";
    };
  }
}
