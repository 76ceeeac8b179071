package org.vitalbridge.hl7v2;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.DataTypeException;
import ca.uhn.hl7v2.model.v26.datatype.CWE;
import ca.uhn.hl7v2.model.v26.datatype.CX;
import ca.uhn.hl7v2.model.v26.datatype.EI;
import ca.uhn.hl7v2.model.v26.datatype.NM;
import ca.uhn.hl7v2.model.v26.datatype.PL;
import ca.uhn.hl7v2.model.v26.datatype.ST;
import ca.uhn.hl7v2.model.v26.group.ORU_R01_ORDER_OBSERVATION;
import ca.uhn.hl7v2.model.v26.group.ORU_R01_PATIENT;
import ca.uhn.hl7v2.model.v26.message.ORU_R01;
import ca.uhn.hl7v2.model.v26.segment.MSH;
import ca.uhn.hl7v2.model.v26.segment.OBR;
import ca.uhn.hl7v2.model.v26.segment.OBX;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.vitalbridge.core.harmonize.MeasurementIds;
import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.core.model.MeasurementStatus;
import org.vitalbridge.core.model.MetricCode;
import org.vitalbridge.core.model.Value;

/**
 * Measurements of one patient, bed and device as one IHE PCD-01 ORU^R01 (HL7 v2.6), built through
 * HAPI's model: MSH with the PCD-01 profile in MSH-21, PID, PV1, one OBR, and the OBX rows of the
 * device's MDS/VMD/channel tree ({@link #rows}).
 */
final class Pcd01Encoder {
  private static final String MDS_CODE = "69965";
  private static final String MDS_REFID = "MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS";

  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

  /** FHIR-style system URIs a coded value may carry, as HL7 table 0396 names. */
  private static final Map<String, String> CODING_SYSTEMS =
      Map.of(
          "urn:iso:std:iso:11073:10101", "MDC",
          "http://loinc.org", "LN",
          "http://snomed.info/sct", "SCT",
          "http://unitsofmeasure.org", "UCUM");

  private final Hl7DestinationConfig config;
  private final Clock clock;

  Pcd01Encoder(Hl7DestinationConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  /**
   * The message for {@code measurements} (not empty; the first one's subject and location head the
   * message). A waveform is refused with {@link IllegalArgumentException}: NA rows are not written.
   */
  ORU_R01 encode(List<Measurement> measurements, String controlId) throws HL7Exception {
    if (measurements.isEmpty()) {
      throw new IllegalArgumentException("an ORU^R01 needs at least one measurement");
    }
    ORU_R01 oru = new ORU_R01();
    // HAPI's default validation trims and checks primitives; values must go out as they are.
    oru.setParser(Hl7Messages.parser());
    header(oru.getMSH(), controlId);
    Measurement head = measurements.get(0);
    patient(oru.getPATIENT_RESULT().getPATIENT(), head.subject(), head.location());
    ORU_R01_ORDER_OBSERVATION order = oru.getPATIENT_RESULT().getORDER_OBSERVATION();
    order(order.getOBR(), controlId, measurements);
    List<Row> rows = rows(measurements);
    for (int i = 0; i < rows.size(); i++) {
      observation(order.getOBSERVATION(i).getOBX(), i + 1, rows.get(i));
    }
    return oru;
  }

  /** The same message as ER7 text. */
  String er7(List<Measurement> measurements, String controlId) throws HL7Exception {
    return Hl7Messages.parser().encode(encode(measurements, controlId));
  }

  private void header(MSH msh, String controlId) throws DataTypeException {
    msh.getFieldSeparator().setValue("|");
    msh.getEncodingCharacters().setValue("^~\\&");
    msh.getSendingApplication().getNamespaceID().setValue(config.sendingApplication());
    msh.getReceivingApplication().getNamespaceID().setValue(config.receivingApplication());
    msh.getReceivingFacility().getNamespaceID().setValue(config.receivingFacility());
    msh.getDateTimeOfMessage().setValue(dtm(clock.instant()));
    msh.getMessageType().getMessageCode().setValue("ORU");
    msh.getMessageType().getTriggerEvent().setValue("R01");
    msh.getMessageType().getMessageStructure().setValue("ORU_R01");
    msh.getMessageControlID().setValue(controlId);
    msh.getProcessingID().getProcessingID().setValue("P");
    msh.getVersionID().getVersionID().setValue("2.6");
    msh.getAcceptAcknowledgmentType().setValue("NE");
    msh.getApplicationAcknowledgmentType().setValue("AL");
    // Names the bytes on the wire: the sender writes UTF-8 and says so.
    msh.getCharacterSet(0).setValue("UNICODE UTF-8");
    EI profile = msh.getMessageProfileIdentifier(0);
    profile.getEntityIdentifier().setValue("IHE_PCD_001");
    profile.getNamespaceID().setValue("IHE PCD");
    profile.getUniversalID().setValue("1.3.6.1.4.1.19376.1.6.1.1.1");
    profile.getUniversalIDType().setValue("ISO");
  }

  /**
   * PID is always written (PCD-01 requires the segment) but PID-3 only for a known patient: an
   * unassociated device's readings go out without a made-up id. PV1 only when the bed is known.
   */
  private void patient(ORU_R01_PATIENT patient, String subject, String location)
      throws DataTypeException {
    patient.getPID().getSetIDPID().setValue("1");
    if (subject != null && !subject.isBlank()) {
      CX id = patient.getPID().getPatientIdentifierList(0);
      id.getIDNumber().setValue(subject);
      id.getAssigningAuthority().getNamespaceID().setValue(config.patientAssigningAuthority());
      id.getIdentifierTypeCode().setValue("PI");
    }
    if (location != null && !location.isBlank()) {
      patient.getVISIT().getPV1().getPatientClass().setValue("I");
      bed(patient.getVISIT().getPV1().getAssignedPatientLocation(), location);
    }
  }

  /** {@code ICU/301/1} as point of care^room^bed; deeper levels stay together in the bed. */
  private static void bed(PL pl, String location) throws DataTypeException {
    String[] parts = location.split("/", 3);
    pl.getPointOfCare().setValue(parts[0]);
    if (parts.length > 1) {
      pl.getRoom().setValue(parts[1]);
    }
    if (parts.length > 2) {
      pl.getBed().setValue(parts[2]);
    }
  }

  private void order(OBR obr, String controlId, List<Measurement> measurements)
      throws DataTypeException {
    obr.getSetIDOBR().setValue("1");
    obr.getFillerOrderNumber().getEntityIdentifier().setValue(fillerOrderNumber(measurements));
    obr.getFillerOrderNumber().getNamespaceID().setValue(config.sendingApplication());
    CWE service = obr.getUniversalServiceIdentifier();
    service.getIdentifier().setValue("182777000");
    service.getText().setValue("monitoring of patient");
    service.getNameOfCodingSystem().setValue("SNOMED-CT");
    Instant earliest =
        measurements.stream().map(Measurement::observedAt).min(Comparator.naturalOrder()).get();
    obr.getObservationDateTime().setValue(dtm(earliest));
  }

  /**
   * OBR-3 names the result, not the transmission: derived from the measurement ids alone, so a
   * later version (OBX-11 F after P, C after a re-attribution, W after a retraction; new MSH-10)
   * carries the OBR-3 of the result it replaces and the EHR can file it over the original.
   */
  static String fillerOrderNumber(List<Measurement> measurements) {
    List<String> ids = new ArrayList<>();
    for (Measurement m : measurements) {
      ids.add(m.id().toString());
    }
    ids.sort(null);
    return MeasurementIds.derived("oru-result|" + String.join(",", ids)).toString();
  }

  private static void observation(OBX obx, int setId, Row row) throws HL7Exception {
    obx.getSetIDOBX().setValue(Integer.toString(setId));
    obx.getObservationIdentifier().getIdentifier().setValue(row.code());
    obx.getObservationIdentifier().getText().setValue(row.refId());
    obx.getObservationIdentifier().getNameOfCodingSystem().setValue("MDC");
    obx.getObservationSubID().setValue(row.path());
    Measurement m = row.measurement();
    if (m == null) {
      obx.getObservationResultStatus().setValue("X");
    } else {
      value(obx, m.value());
      obx.getObservationResultStatus().setValue(status(m.status()));
      obx.getDateTimeOfTheObservation().setValue(dtm(m.observedAt()));
    }
    if (row.device() != null) {
      equipment(obx.getEquipmentInstanceIdentifier(0), row.device());
    }
  }

  private static void value(OBX obx, Value value) throws HL7Exception {
    ORU_R01 message = (ORU_R01) obx.getMessage();
    if (value instanceof Value.Quantity q) {
      obx.getValueType().setValue("NM");
      NM number = new NM(message);
      number.setValue(q.number().toPlainString());
      obx.getObservationValue(0).setData(number);
      obx.getUnits().getIdentifier().setValue(q.unit());
      obx.getUnits().getText().setValue(q.unit());
      obx.getUnits().getNameOfCodingSystem().setValue("UCUM");
    } else if (value instanceof Value.Coded c) {
      obx.getValueType().setValue("CWE");
      CWE coded = new CWE(message);
      coded.getIdentifier().setValue(c.code());
      coded.getText().setValue(c.display());
      coded.getNameOfCodingSystem().setValue(CODING_SYSTEMS.getOrDefault(c.system(), c.system()));
      obx.getObservationValue(0).setData(coded);
    } else if (value instanceof Value.Text t) {
      obx.getValueType().setValue("ST");
      ST text = new ST(message);
      text.setValue(t.text());
      obx.getObservationValue(0).setData(text);
    } else {
      throw new IllegalArgumentException("waveforms (OBX-2 NA) are not sent over PCD-01 yet");
    }
  }

  /**
   * HL7 table 0085, the reverse of what {@link Pcd01Decoder} reads: preliminary P, final F, amended
   * (a correction, or re-attributed after a late ADT) C, entered-in-error W (post original as
   * wrong).
   */
  private static String status(MeasurementStatus status) {
    return switch (status) {
      case FINAL -> "F";
      case AMENDED -> "C";
      case PRELIMINARY -> "P";
      case ENTERED_IN_ERROR -> "W";
    };
  }

  private static void equipment(EI ei, String device) throws DataTypeException {
    ei.getEntityIdentifier().setValue(device);
    if (device.matches("[0-9A-Fa-f]{16}")) {
      ei.getNamespaceID().setValue("EUI-64");
    }
  }

  /**
   * One OBX row: an MDS, VMD or channel row ({@code measurement} null) or a metric row.
   *
   * @param device OBX-18, on MDS and metric rows
   */
  private record Row(
      String code, String refId, String path, String device, Measurement measurement) {}

  /** A metric's place after renumbering: MDS index, VMD, channel, metric. */
  private record Node(int[] levels, String path, int order, Measurement measurement) {}

  /**
   * The OBX rows, depth first: per MDS its row, then its metrics ordered by VMD, channel and
   * metric, each VMD and channel row (when the containment names it) before its first metric. MDS
   * numbers are given afresh per device and original MDS (OBX-4 ordinals are not stable
   * identifiers, only unique within a message), so two devices never share a subtree; a metric
   * without containment hangs directly under its device's MDS as {@code m.0.0.n} after the numbers
   * already in use.
   */
  private static List<Row> rows(List<Measurement> measurements) {
    Map<String, Integer> firstMds = new HashMap<>();
    for (Measurement m : measurements) {
      if (m.containment() != null) {
        firstMds.putIfAbsent(m.device().value(), m.containment().levels()[0]);
      }
    }
    Map<String, Integer> mdsIndex = new LinkedHashMap<>();
    Map<String, String> containers = new HashMap<>();
    List<Node> nodes = new ArrayList<>();
    List<Measurement> loose = new ArrayList<>();
    for (Measurement m : measurements) {
      String device = m.device().value();
      int original =
          m.containment() != null ? m.containment().levels()[0] : firstMds.getOrDefault(device, 1);
      int mds = mdsIndex.computeIfAbsent(device + "\n" + original, k -> mdsIndex.size() + 1);
      if (m.containment() == null) {
        loose.add(m);
        continue;
      }
      int[] levels = m.containment().levels();
      levels[0] = mds;
      String[] below = m.containment().path().split("\\.", 2);
      String path = below.length > 1 ? mds + "." + below[1] : Integer.toString(mds);
      nodes.add(new Node(levels, path, nodes.size(), m));
      if (m.containment().vmd() != null && levels[1] > 0) {
        containers.putIfAbsent(mds + "." + levels[1], m.containment().vmd());
      }
      if (m.containment().channel() != null && levels[1] > 0 && levels[2] > 0) {
        containers.putIfAbsent(mds + "." + levels[1] + "." + levels[2], m.containment().channel());
      }
    }
    for (Measurement m : loose) {
      int mds =
          mdsIndex.get(m.device().value() + "\n" + firstMds.getOrDefault(m.device().value(), 1));
      int next =
          1
              + nodes.stream()
                  .filter(n -> n.levels()[0] == mds && n.levels()[1] == 0 && n.levels()[2] == 0)
                  .mapToInt(n -> n.levels()[3])
                  .max()
                  .orElse(0);
      int[] levels = {mds, 0, 0, next};
      nodes.add(new Node(levels, mds + ".0.0." + next, nodes.size(), m));
    }
    nodes.sort(
        Comparator.<Node>comparingInt(n -> n.levels()[0])
            .thenComparingInt(n -> n.levels()[1])
            .thenComparingInt(n -> n.levels()[2])
            .thenComparingInt(n -> n.levels()[3])
            .thenComparingInt(Node::order));
    List<Row> rows = new ArrayList<>();
    Set<String> written = new HashSet<>();
    for (Node n : nodes) {
      int[] l = n.levels();
      String device = n.measurement().device().value();
      if (written.add(Integer.toString(l[0]))) {
        rows.add(new Row(MDS_CODE, MDS_REFID, l[0] + ".0.0.0", device, null));
      }
      container(rows, written, containers, l[0] + "." + l[1], l[0] + "." + l[1] + ".0.0");
      container(
          rows,
          written,
          containers,
          l[0] + "." + l[1] + "." + l[2],
          l[0] + "." + l[1] + "." + l[2] + ".0");
      MetricCode metric = n.measurement().metric();
      rows.add(
          new Row(
              Integer.toString(metric.mdc()), metric.refId(), n.path(), device, n.measurement()));
    }
    return rows;
  }

  /** A VMD or channel row the first time its node is reached, when its code is known. */
  private static void container(
      List<Row> rows,
      Set<String> written,
      Map<String, String> containers,
      String key,
      String path) {
    String code = containers.get(key);
    if (code == null || !written.add(key)) {
      return;
    }
    int caret = code.indexOf('^');
    rows.add(
        caret < 0
            ? new Row(code, null, path, null, null)
            : new Row(code.substring(0, caret), code.substring(caret + 1), path, null, null));
  }

  /** DTM in UTC, with milliseconds only when the instant has them. */
  static String dtm(Instant t) {
    int millis = t.getNano() / 1_000_000;
    return SECONDS.format(t) + (millis == 0 ? "" : String.format(".%03d", millis)) + "+0000";
  }
}
