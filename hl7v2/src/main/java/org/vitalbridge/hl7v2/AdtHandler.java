package org.vitalbridge.hl7v2;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.util.Terser;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vitalbridge.store.Association;
import org.vitalbridge.store.Associations;

/**
 * Applies the hospital's ADT feed to the bed associations: admit (A01) and register (A04) associate
 * the patient with PV1-3, transfer (A02) ends their bed (PV1-6, else any other) and associates
 * PV1-3 at the event time, discharge (A03) ends it at PV1-45 (else the event time), update (A08)
 * corrects a bed associated with someone else at that time, and A11/A12/A13 cancel an admit, a
 * transfer or a discharge. The store re-attributes the measurements each change affects. Content it
 * cannot apply comes back as ERR entries (never an exception); nothing about the patient is logged.
 */
final class AdtHandler {
  private static final Logger log = LoggerFactory.getLogger(AdtHandler.class);
  static final String SOURCE = "adt";

  private final Associations associations;
  private final ZoneId zone;

  /** ADT times without an offset are read as UTC. */
  AdtHandler(Associations associations) {
    this(associations, ZoneOffset.UTC);
  }

  /**
   * @param zone the zone of ADT times sent without an offset (the hospital information system's)
   */
  AdtHandler(Associations associations, ZoneId zone) {
    this.associations = associations;
    this.zone = zone;
  }

  static boolean isAdt(Message m) {
    try {
      return "ADT".equals(new Terser(m).get("/MSH-9-1"));
    } catch (HL7Exception e) {
      return false;
    }
  }

  /**
   * Applies one ADT message; {@code cause} (e.g. type, control id and journal id) is recorded on
   * every association it changes and makes a resend a no-op. Returns the errors for the
   * acknowledgment, empty when applied (or when there was nothing to change).
   */
  List<Hl7Acknowledgment.Error> apply(Message adt, String cause) {
    AdtFields f = new AdtFields(adt, zone);
    String event = null;
    try {
      event = f.event();
      int changed = apply(event, f, cause);
      if (changed > 0) {
        log.info("ADT^{} re-attributed {} measurements", event, changed);
      }
      return List.of();
    } catch (AdtFields.Invalid e) {
      return List.of(e.error());
    } catch (RuntimeException e) {
      // Database messages can quote values (patient ids): only the type goes to INFO and above.
      log.warn("ADT^{} could not be applied: {}", event, e.getClass().getSimpleName());
      log.debug("ADT^{} failure", event, e);
      return List.of(
          new Hl7Acknowledgment.Error(
              "MSH^1^9", "207", "the bed associations could not be updated"));
    }
  }

  private int apply(String event, AdtFields f, String cause) throws AdtFields.Invalid {
    return switch (event) {
      case "A01", "A04" -> admit(f, cause);
      case "A02" ->
          associations.transfer(
              f.subject(),
              f.encounter(),
              f.priorBed(),
              f.requiredBed(event),
              f.eventTime(),
              SOURCE,
              cause);
      case "A03" -> discharge(f, cause);
      case "A08" -> update(f, cause);
      case "A11" -> associations.cancelAdmit(f.bed(), f.subject(), f.encounter(), cause);
      case "A12" ->
          associations.cancelTransfer(
              f.subject(), f.encounter(), f.requiredBed(event), f.priorBed(), cause);
      case "A13" -> associations.cancelDischarge(f.bed(), f.subject(), f.encounter(), cause);
      default ->
          throw new AdtFields.Invalid(
              "MSH^1^9", "201", "ADT^" + event + " does not change bed associations");
    };
  }

  /** A patient admitted or registered without a bed has nothing to associate yet. */
  private int admit(AdtFields f, String cause) throws AdtFields.Invalid {
    String subject = f.subject();
    String bed = f.bed();
    if (bed == null) {
      return 0;
    }
    return associations.associate(null, bed, subject, f.encounter(), f.eventTime(), SOURCE, cause);
  }

  private int discharge(AdtFields f, String cause) throws AdtFields.Invalid {
    String subject = f.subject();
    Instant discharged = f.dischargeTime();
    Instant at = discharged != null ? discharged : f.eventTime();
    return associations.end(null, f.bed(), subject, at, cause);
  }

  /**
   * An update names the patient's bed; when that bed is associated with someone else (or another
   * encounter) at the time, the ADT system is the authority and the association is corrected. A
   * discharged patient's update still names their last bed, so it changes nothing.
   */
  private int update(AdtFields f, String cause) throws AdtFields.Invalid {
    String subject = f.subject();
    String encounter = f.encounter();
    String bed = f.bed();
    if (bed == null) {
      return 0;
    }
    Instant at = f.eventTime();
    Instant discharged = f.dischargeTime();
    if (discharged != null && !discharged.isAfter(at)) {
      return 0;
    }
    Optional<Association> current = associations.at(null, bed, at);
    boolean other =
        current.isPresent()
            && (!current.get().subject().equals(subject)
                || current.get().otherEncounter(encounter));
    return other ? associations.associate(null, bed, subject, encounter, at, SOURCE, cause) : 0;
  }
}
