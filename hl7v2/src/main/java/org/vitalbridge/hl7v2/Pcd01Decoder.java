package org.vitalbridge.hl7v2;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Composite;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Primitive;
import ca.uhn.hl7v2.model.Type;
import ca.uhn.hl7v2.model.Varies;
import ca.uhn.hl7v2.model.v26.datatype.CWE;
import ca.uhn.hl7v2.model.v26.group.ORU_R01_OBSERVATION;
import ca.uhn.hl7v2.model.v26.group.ORU_R01_ORDER_OBSERVATION;
import ca.uhn.hl7v2.model.v26.group.ORU_R01_PATIENT_RESULT;
import ca.uhn.hl7v2.model.v26.message.ORU_R01;
import ca.uhn.hl7v2.model.v26.segment.MSH;
import ca.uhn.hl7v2.model.v26.segment.OBR;
import ca.uhn.hl7v2.model.v26.segment.OBX;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.vitalbridge.core.mapping.MappingResult;
import org.vitalbridge.core.model.Containment;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.MeasurementStatus;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;
import org.vitalbridge.core.model.Value;
import org.vitalbridge.core.pipeline.PayloadDecoder;
import org.vitalbridge.core.time.TimeFormat;
import org.vitalbridge.core.time.TimeSpec;

/**
 * IHE PCD-01 ORU^R01 to device readings. Each numeric OBX row (OBX-2 NM) is one reading: OBX-3
 * code^refid (MDC) as the label, OBX-5 value, OBX-6 unit (MDC or UCUM), OBX-14 time (else OBR-7,
 * else MSH-7) as HL7 DTM, OBX-18 equipment id (else the id on its MDS row, else MSH-3). Coded rows
 * (CWE, CE, CNE, CF) and text rows (ST, TX, FT) are readings with a preset code or text value;
 * waveform rows (NA) are rejected as unsupported. Rows without a value (MDS, VMD and channel rows
 * of the OBX-4 containment tree) give no reading. OBX-11 gives the reading's status (F final; P, R,
 * S preliminary; C amended; D, W entered-in-error); a retraction (D, W) may come without a value
 * and then retracts whatever was stored for its device, metric and time; rows without a result (X,
 * N, I, O) and other statuses are rejected. PID-3 names the patient and PV1-3 the bed. Rejections
 * name the HL7 location, e.g. {@code OBX^2^5}.
 */
public final class Pcd01Decoder implements PayloadDecoder {
  private static final TimeSpec DTM = TimeSpec.of(TimeFormat.HL7_DTM);
  private static final Pcd01Acknowledger ACKNOWLEDGER = new Pcd01Acknowledger();

  /**
   * HL7 table 0085 result statuses (OBX-11) read as a measurement status: F final; P preliminary, R
   * entered but not verified and S partial are preliminary; C a correction of a final result
   * (amended); D delete and W wrong (e.g. wrong patient) retract the result (entered-in-error).
   */
  private static final Map<String, MeasurementStatus> RESULT_STATUS =
      Map.of(
          "F", MeasurementStatus.FINAL,
          "P", MeasurementStatus.PRELIMINARY,
          "R", MeasurementStatus.PRELIMINARY,
          "S", MeasurementStatus.PRELIMINARY,
          "C", MeasurementStatus.AMENDED,
          "D", MeasurementStatus.ENTERED_IN_ERROR,
          "W", MeasurementStatus.ENTERED_IN_ERROR);

  /**
   * HL7 table 0085 statuses that carry no result to store: X cannot be obtained, N not asked, I
   * pending, O order detail only.
   */
  private static final java.util.Set<String> NO_RESULT = java.util.Set.of("X", "N", "I", "O");

  /** OBX-2 value types read as {@link Value.Coded} and as {@link Value.Text}. */
  private static final java.util.Set<String> CODED_TYPES =
      java.util.Set.of("CWE", "CE", "CNE", "CF");

  private static final java.util.Set<String> TEXT_TYPES = java.util.Set.of("ST", "TX", "FT");

  /** IEEE 11073-10101 (MDC) as a code system URI. */
  private static final String MDC_SYSTEM = "urn:iso:std:iso:11073:10101";

  private final Msh18Charsets charsets;

  /** Messages without MSH-18 are read as UTF-8. */
  public Pcd01Decoder() {
    this(StandardCharsets.UTF_8);
  }

  public Pcd01Decoder(java.nio.charset.Charset defaultCharset) {
    this.charsets = new Msh18Charsets(defaultCharset);
  }

  @Override
  public boolean accepts(String contentType) {
    String c = contentType.toLowerCase(Locale.ROOT);
    return c.contains("hl7-v2") || c.equals("hl7") || c.equals("application/hl7-v2");
  }

  @Override
  public MappingResult decode(RawMessage message) {
    String er7 = charsets.decode(message.payload());
    Message parsed;
    try {
      parsed = Hl7Messages.parse(er7);
    } catch (HL7Exception e) {
      return failed(
          RejectionReason.MALFORMED_PAYLOAD,
          "MSH",
          "not a parseable HL7 v2 message: " + e.getMessage());
    }
    return decode(parsed, er7);
  }

  /** Decodes an already parsed message (the MLLP listener and the CLI parse once). */
  MappingResult decode(Message parsed, String er7) {
    // The same refusals the listener answers with AR, so that what the journal replays agrees
    // with what the sender was told.
    Optional<Hl7Acknowledgment.Error> refused = ACKNOWLEDGER.refusal(parsed);
    if (refused.isPresent()) {
      return failed(
          RejectionReason.UNSUPPORTED_MESSAGE, refused.get().location(), refused.get().text());
    }
    if (AdtHandler.isAdt(parsed)) {
      // Patient movements carry no measurements; the listener applied them to the associations.
      return new MappingResult.Mapped("hl7v2-adt@1", List.of());
    }
    if (!(parsed instanceof ORU_R01 oru)) {
      return failed(
          RejectionReason.MALFORMED_PAYLOAD,
          "MSH^1^9",
          "not an ORU^R01 message: " + parsed.getName());
    }
    try {
      List<DeviceReading> readings = new ArrayList<>();
      List<Rejection> rejected = new ArrayList<>();
      int visited = readings(oru, readings, rejected);
      int written = Hl7Messages.segmentCount(er7, "OBX");
      if (written > visited) {
        // HAPI files OBX rows outside an OBR group away as non-standard segments; silently
        // dropping them would lose observations.
        return failed(
            RejectionReason.MALFORMED_PAYLOAD,
            "OBX",
            (written - visited) + " OBX segment(s) outside an OBR group (segment sequence error)");
      }
      return new MappingResult.Mapped("hl7v2-pcd01@1", readings, rejected);
    } catch (HL7Exception e) {
      return failed(
          RejectionReason.MALFORMED_PAYLOAD,
          null,
          "cannot read the ORU^R01 structure: " + e.getMessage());
    }
  }

  /** Adds the readings to {@code out}; returns how many OBX rows it visited. */
  private static int readings(ORU_R01 oru, List<DeviceReading> out, List<Rejection> rejected)
      throws HL7Exception {
    MSH msh = oru.getMSH();
    String sender = Hl7Messages.sender(msh);
    String messageTime = msh.getDateTimeOfMessage().getValue();
    int obxIndex = 0;
    for (int p = 0; p < oru.getPATIENT_RESULTReps(); p++) {
      ORU_R01_PATIENT_RESULT result = oru.getPATIENT_RESULT(p);
      String subject =
          result.getPATIENT().getPID().getPatientIdentifierList(0).getIDNumber().getValue();
      String bed =
          location(result.getPATIENT().getVISIT().getPV1().getAssignedPatientLocation().encode());
      for (int o = 0; o < result.getORDER_OBSERVATIONReps(); o++) {
        ORU_R01_ORDER_OBSERVATION order = result.getORDER_OBSERVATION(o);
        OBR obr = order.getOBR();
        String orderTime = first(obr.getObservationDateTime().getValue(), messageTime);
        Map<String, String> mdsEquipment = new HashMap<>();
        Map<String, String> containerCodes = new HashMap<>();
        for (int x = 0; x < order.getOBSERVATIONReps(); x++) {
          ORU_R01_OBSERVATION observation = order.getOBSERVATION(x);
          OBX obx = observation.getOBX();
          obxIndex++;
          String seq = first(obx.getSetIDOBX().getValue(), Integer.toString(obxIndex));
          String path = obx.getObservationSubID().getValue();
          String mds = path == null ? "" : path.split("\\.")[0];
          String equipment =
              obx.getEquipmentInstanceIdentifierReps() > 0
                  ? obx.getEquipmentInstanceIdentifier(0).getEntityIdentifier().getValue()
                  : null;
          if (equipment != null && path != null && containerKey(path).equals(mds)) {
            mdsEquipment.put(mds, equipment);
          }
          CWE id = obx.getObservationIdentifier();
          String valueType = obx.getValueType().getValue();
          boolean coded = valueType != null && CODED_TYPES.contains(valueType);
          boolean text = valueType != null && TEXT_TYPES.contains(valueType);
          boolean hasValue = obx.getObservationValueReps() > 0;
          String resultStatus = strip(obx.getObservationResultStatus().getValue());
          MeasurementStatus status = resultStatus == null ? null : RESULT_STATUS.get(resultStatus);
          boolean retraction = status == MeasurementStatus.ENTERED_IN_ERROR;
          if (!"NM".equals(valueType)) {
            if (!hasValue && !(retraction && (coded || text))) {
              if (Containment.isPath(path)) {
                containerCodes.put(containerKey(path), mdcCode(id));
              }
              continue;
            }
            if (!coded && !text) {
              // Waveform rows are not measurements yet: kept, never dropped.
              rejected.add(
                  new Rejection(
                      RejectionReason.UNSUPPORTED_VALUE,
                      "OBX^" + seq + "^2",
                      "OBX value type "
                          + valueType
                          + " of "
                          + mdcCode(id)
                          + " is not supported (only NM, coded and text)"));
              continue;
            }
          }
          if (resultStatus == null) {
            // PCD-01 requires OBX-11; a sender that leaves it empty is read as final, as before.
            status = MeasurementStatus.FINAL;
          } else if (NO_RESULT.contains(resultStatus)) {
            // A row without a result: kept in quarantine, never stored as a value.
            rejected.add(
                new Rejection(
                    RejectionReason.UNSUPPORTED_VALUE,
                    "OBX^" + seq + "^11",
                    "OBX-11 result status "
                        + resultStatus
                        + " of "
                        + mdcCode(id)
                        + " carries no result to store (X, N, I, O)"));
            continue;
          } else if (status == null) {
            rejected.add(
                new Rejection(
                    RejectionReason.UNSUPPORTED_STATUS,
                    "OBX^" + seq + "^11",
                    "OBX-11 result status '"
                        + resultStatus
                        + "' of "
                        + mdcCode(id)
                        + " is not supported (HL7 table 0085: F final; P, R, S preliminary; C"
                        + " correction; D, W retraction; X, N, I, O no result)"));
            continue;
          }
          String code = id.getIdentifier().getValue();
          String label =
              code != null && code.chars().allMatch(Character::isDigit) && !code.isEmpty()
                  ? code
                  : first(id.getText().getValue(), code);
          String value = hasValue ? obx.getObservationValue(0).getData().encode() : null;
          // A coded or text row without a value is a retraction (checked above): no preset.
          Value preset = null;
          if (coded && hasValue) {
            preset = codedValue(obx.getObservationValue(0).getData());
            if (preset == null) {
              rejected.add(
                  new Rejection(
                      RejectionReason.MISSING_FIELD,
                      "OBX^" + seq + "^5",
                      "coded value of "
                          + mdcCode(id)
                          + " needs an identifier and a coding system (OBX-5.1, OBX-5.3)"));
              continue;
            }
          } else if (text && hasValue) {
            preset = textValue(obx);
          }
          CWE units = obx.getUnits();
          String unit = first(units.getIdentifier().getValue(), units.getText().getValue());
          String time = first(obx.getDateTimeOfTheObservation().getValue(), orderTime);
          String device = first(equipment, first(mdsEquipment.get(mds), sender));
          out.add(
              new DeviceReading(
                  device,
                  label,
                  value,
                  unit,
                  time,
                  DTM,
                  new DeviceReading.Fields(
                      "OBX^" + seq + "^18",
                      "OBX^" + seq + "^3",
                      "OBX^" + seq + "^5",
                      "OBX^" + seq + "^6",
                      "OBX^" + seq + "^14"),
                  bed,
                  subject,
                  containment(path, containerCodes),
                  preset,
                  status));
        }
      }
    }
    return obxIndex;
  }

  /** OBX-5 of a coded row as a code: CWE-1 identifier, CWE-2 text, CWE-3 coding system. */
  private static Value codedValue(Type data) {
    String code = component(data, 0);
    String display = component(data, 1);
    String system = component(data, 2);
    if (code == null || code.isBlank() || system == null || system.isBlank()) {
      return null;
    }
    String uri = "MDC".equals(system.strip()) ? MDC_SYSTEM : system.strip();
    return new Value.Coded(
        uri, code.strip(), display == null || display.isBlank() ? null : display);
  }

  /** OBX-5 of a text row; repetitions (TX/FT lines) joined by line breaks. */
  private static Value textValue(OBX obx) throws HL7Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < obx.getObservationValueReps(); i++) {
      String line = component(obx.getObservationValue(i).getData(), 0);
      lines.add(line == null ? "" : line);
    }
    return new Value.Text(String.join("\n", lines));
  }

  /** Component {@code i} of a value (unescaped), {@code null} when absent. */
  private static String component(Type data, int i) {
    Type t = data instanceof Varies v ? v.getData() : data;
    if (t instanceof Composite c) {
      Type[] parts = c.getComponents();
      if (i >= parts.length) {
        return null;
      }
      t = parts[i] instanceof Varies v ? v.getData() : parts[i];
    } else if (i > 0) {
      return null;
    }
    return t instanceof Primitive p ? p.getValue() : null;
  }

  /**
   * The metric's place in the device. A PCD-01 sender lists the VMD ({@code 1.2}) and channel
   * ({@code 1.2.1}) rows before their metrics; rows written as {@code 1.2.0.0} are the same node.
   */
  private static Containment containment(String path, Map<String, String> containerCodes) {
    if (!Containment.isPath(path)) {
      return null;
    }
    String[] levels = path.split("\\.");
    String vmd = levels.length > 1 ? containerCodes.get(levels[0] + "." + levels[1]) : null;
    String channel =
        levels.length > 2
            ? containerCodes.get(levels[0] + "." + levels[1] + "." + levels[2])
            : null;
    return new Containment(path, vmd, channel);
  }

  /** {@code 1.2.0.0} and {@code 1.2} name the same container. */
  private static String containerKey(String path) {
    String key = path;
    while (key.endsWith(".0")) {
      key = key.substring(0, key.length() - 2);
    }
    return key;
  }

  private static String mdcCode(CWE id) {
    String code = id.getIdentifier().getValue();
    String refid = id.getText().getValue();
    if (code == null || code.isBlank()) {
      return refid;
    }
    return refid == null || refid.isBlank() ? code : code + "^" + refid;
  }

  /** PV1-3 point of care^room^bed as {@code ICU/301/1}; {@code null} when empty. */
  static String location(String pv13) {
    if (pv13 == null || pv13.isBlank()) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    for (String part : pv13.split("\\^")) {
      if (!part.isBlank()) {
        parts.add(part.strip());
      }
      if (parts.size() == 3) {
        break;
      }
    }
    return parts.isEmpty() ? null : String.join("/", parts);
  }

  /** The value without surrounding blanks, {@code null} when blank. */
  private static String strip(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  private static String first(String a, String b) {
    return a != null && !a.isBlank() ? a : b;
  }

  private static MappingResult failed(RejectionReason reason, String field, String detail) {
    return new MappingResult.Failed(new Rejection(reason, field, detail));
  }
}
