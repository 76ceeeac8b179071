package org.vitalbridge.server.cli;

import java.util.Date;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentNetworkType;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.vitalbridge.store.AuditEntry;

/**
 * One audit entry as a FHIR R4 {@code AuditEvent}: type {@code rest} (an API call) or DICOM {@code
 * 110100} (application activity), subtype the action, R(ead) or E(xecute), outcome 0 / 4 (refused
 * or rejected, 4xx) / 8 (5xx), the agent with its role and network address, the patient as an
 * entity by identifier, and the chain link (seq, prevHash, hash) as entity details.
 */
final class AuditEventFhir {
  static final String TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/audit-event-type";
  static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
  static final String ACTION_SYSTEM = "urn:vitalbridge:audit:action";

  private final String patientSystem;

  AuditEventFhir(String patientSystem) {
    this.patientSystem = patientSystem;
  }

  AuditEvent of(AuditEntry e) {
    org.vitalbridge.store.AuditEvent x = e.event();
    AuditEvent a = new AuditEvent();
    a.setId(Long.toString(e.seq()));
    boolean api = x.action().matches("(GET|POST|WS) .*");
    a.setType(
        api
            ? new Coding(TYPE_SYSTEM, "rest", "RESTful Operation")
            : new Coding(DCM, "110100", "Application Activity"));
    a.addSubtype(new Coding(ACTION_SYSTEM, x.action(), null));
    a.setAction(
        x.action().startsWith("GET ") || x.action().startsWith("WS ")
            ? AuditEventAction.R
            : AuditEventAction.E);
    a.setRecorded(Date.from(e.at()));
    a.setOutcome(outcome(x.outcome()));
    a.setOutcomeDesc(x.outcome() + (x.detail() == null ? "" : " " + x.detail()));
    AuditEvent.AuditEventAgentComponent agent = a.addAgent();
    agent.setRequestor(true);
    agent.setWho(
        new Reference().setIdentifier(new Identifier().setValue(x.actor())).setDisplay(x.actor()));
    if (x.role() != null) {
      agent.addRole(new CodeableConcept().setText(x.role()));
    }
    if (x.source() != null) {
      agent.getNetwork().setAddress(x.source()).setType(AuditEventAgentNetworkType._2);
    }
    a.getSource()
        .setObserver(new Reference().setDisplay("VitalBridge"))
        .addType(
            new Coding(
                "http://terminology.hl7.org/CodeSystem/security-source-type",
                "4",
                "Application Server"));
    if (x.patient() != null) {
      for (String p : x.patient().split(",")) {
        a.addEntity()
            .setWhat(
                new Reference()
                    .setIdentifier(new Identifier().setSystem(patientSystem).setValue(p)))
            .setType(
                new Coding(
                    "http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"))
            .setRole(
                new Coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient"));
      }
    }
    AuditEvent.AuditEventEntityComponent link = a.addEntity();
    link.setType(
        new Coding(
            "http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"));
    link.setDescription(x.resource() == null ? "audit chain link" : x.resource());
    link.addDetail()
        .setType("seq")
        .setValue(new org.hl7.fhir.r4.model.StringType(Long.toString(e.seq())));
    link.addDetail()
        .setType("prevHash")
        .setValue(new org.hl7.fhir.r4.model.StringType(e.prevHash()));
    link.addDetail().setType("hash").setValue(new org.hl7.fhir.r4.model.StringType(e.hash()));
    return a;
  }

  private static AuditEventOutcome outcome(String status) {
    int code;
    try {
      code = Integer.parseInt(status);
    } catch (NumberFormatException e) {
      return status.equals("ok") ? AuditEventOutcome._0 : AuditEventOutcome._4;
    }
    if (code >= 500) {
      return AuditEventOutcome._8;
    }
    return code >= 400 ? AuditEventOutcome._4 : AuditEventOutcome._0;
  }
}
