package org.vitalbridge.hl7v2;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.model.Type;
import ca.uhn.hl7v2.util.Terser;
import java.time.Instant;
import java.time.ZoneId;
import org.vitalbridge.core.time.BadTimestampException;
import org.vitalbridge.core.time.TimeFormat;
import org.vitalbridge.core.time.TimeSpec;
import org.vitalbridge.core.time.TimestampParser;

/**
 * The fields of an ADT message that bed associations need. Read by path rather than by message
 * structure, because the v2.6 model gives A01/A04/A08/A13, A02, A03, A11 (ADT_A09) and A12 each
 * their own structure class. A missing or unreadable field becomes an {@link Invalid} naming it.
 */
final class AdtFields {
  /** A field the event needs is missing or cannot be read. */
  static final class Invalid extends Exception {
    private final Hl7Acknowledgment.Error error;

    Invalid(String location, String code, String text) {
      super(text, null, false, false);
      this.error = new Hl7Acknowledgment.Error(location, code, text);
    }

    Hl7Acknowledgment.Error error() {
      return error;
    }
  }

  private final Terser terser;
  private final TimeSpec dtm;

  /**
   * @param zone the zone of times sent without an offset
   */
  AdtFields(Message message, ZoneId zone) {
    this.terser = new Terser(message);
    this.dtm = new TimeSpec(TimeFormat.HL7_DTM, zone, null);
  }

  /** MSH-9-2, else EVN-1 (older senders). */
  String event() throws Invalid {
    String event = first(get("/MSH-9-2", "MSH^1^9"), get("/.EVN-1", "EVN^1^1"));
    if (event == null) {
      throw new Invalid("MSH^1^9", "101", "the ADT trigger event (MSH-9-2) is empty");
    }
    return event.strip();
  }

  /** PID-3: the first identifier's id. */
  String subject() throws Invalid {
    String id = get("/.PID-3(0)-1", "PID^1^3");
    if (id == null) {
      throw new Invalid("PID^1^3", "101", "the patient identifier (PID-3) is empty");
    }
    return id.strip();
  }

  /** PV1-19 visit number, or {@code null}. */
  String encounter() throws Invalid {
    String visit = get("/.PV1-19-1", "PV1^1^19");
    return visit == null ? null : visit.strip();
  }

  /** PV1-3 as {@code ICU/301/1}, or {@code null}. */
  String bed() throws Invalid {
    return location(3);
  }

  /** PV1-3, which this event cannot do without. */
  String requiredBed(String event) throws Invalid {
    String bed = bed();
    if (bed == null) {
      throw new Invalid(
          "PV1^1^3", "101", "ADT^" + event + " needs the assigned patient location (PV1-3)");
    }
    return bed;
  }

  /** PV1-6 prior patient location, or {@code null}. */
  String priorBed() throws Invalid {
    return location(6);
  }

  /** When the event happened: EVN-6 (event occurred), else EVN-2 (recorded), else MSH-7. */
  Instant eventTime() throws Invalid {
    for (String[] field :
        new String[][] {{"/.EVN-6", "EVN^1^6"}, {"/.EVN-2", "EVN^1^2"}, {"/MSH-7", "MSH^1^7"}}) {
      Instant t = time(field[0], field[1]);
      if (t != null) {
        return t;
      }
    }
    throw new Invalid("EVN^1^2", "101", "no event time: EVN-6, EVN-2 and MSH-7 are empty");
  }

  /** PV1-45 discharge date/time, or {@code null}. */
  Instant dischargeTime() throws Invalid {
    return time("/.PV1-45", "PV1^1^45");
  }

  private Instant time(String path, String location) throws Invalid {
    String text = get(path, location);
    if (text == null) {
      return null;
    }
    try {
      return TimestampParser.parse(text, dtm, dtm.zone()).instant();
    } catch (BadTimestampException e) {
      throw new Invalid(location, "102", e.getMessage());
    }
  }

  /** The PV1 field as PCD-01 rows name beds (Pv1Location), so that ADT and PCD-01 agree on them. */
  private String location(int field) throws Invalid {
    try {
      Segment pv1 = terser.getSegment("/.PV1");
      Type[] reps = pv1.getField(field);
      return reps.length == 0 ? null : Pv1Location.bed(reps[0]);
    } catch (HL7Exception e) {
      throw new Invalid(
          "PV1^1^" + field, "207", "cannot read PV1-" + field + ": " + e.getMessage());
    }
  }

  private String get(String path, String location) throws Invalid {
    try {
      String value = terser.get(path);
      return value == null || value.isBlank() ? null : value;
    } catch (HL7Exception e) {
      throw new Invalid(location, "207", "cannot read " + location + ": " + e.getMessage());
    }
  }

  private static String first(String a, String b) {
    return a != null ? a : b;
  }
}
