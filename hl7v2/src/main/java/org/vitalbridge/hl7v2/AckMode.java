package org.vitalbridge.hl7v2;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v26.segment.MSH;

/**
 * Which acknowledgment goes back on the connection (HL7 v2 2.9, MSH-15/16, table 0155). Both empty:
 * original mode, the application acknowledgment always. Otherwise enhanced mode: the application
 * acknowledgment (AA/AE/AR) when MSH-16's condition holds, else the accept acknowledgment
 * (CA/CE/CR, sent after the commit, which is what "accepted" promises) when MSH-15's holds, else
 * nothing. One frame per message: a sender on one MLLP connection waits for one answer.
 */
final class AckMode {
  private AckMode() {}

  /** The acknowledgment to send, or {@code null} when the sender asked for none. */
  static Hl7Acknowledgment choose(
      Message message, Hl7Acknowledgment application, Pcd01Acknowledger acknowledger) {
    String accept;
    String app;
    try {
      MSH msh = (MSH) message.get("MSH");
      accept = msh.getAcceptAcknowledgmentType().getValue();
      app = msh.getApplicationAcknowledgmentType().getValue();
    } catch (HL7Exception e) {
      return application;
    }
    if (isBlank(accept) && isBlank(app)) {
      return application;
    }
    boolean success = "AA".equals(application.code());
    if (wanted(app, success)) {
      return application;
    }
    if (wanted(accept, success)) {
      return acknowledger.accept(message, application);
    }
    return null;
  }

  private static boolean wanted(String condition, boolean success) {
    if (isBlank(condition)) {
      return false;
    }
    return switch (condition.strip()) {
      case "AL" -> true;
      case "ER" -> !success;
      case "SU" -> success;
      default -> false; // NE, or a value outside table 0155
    };
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
