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
import java.math.BigDecimal;
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
 * IHE PCD-01 ORU^R01 to device readings. Each numeric OBX row (OBX-2 NM, or an SN that is one exact
 * number) is one reading: OBX-3 code^refid (MDC) as the label, OBX-5 value, OBX-6 unit (MDC or
 * UCUM), OBX-14 time (else OBR-7, else MSH-7) as HL7 DTM, OBX-18 equipment id (else the id on its
 * MDS row, else MSH-3). Coded rows (CWE, CE, CNE, CF) and text rows (ST, TX, FT) are readings with
 * a preset code or text value; waveform rows (NA) are readings with a preset {@link
 * Value.SampledSeries} whose sampling rate comes from their MDC_ATTR_SAMP_RATE attribute row (see
 * {@link #waveform}). Rows without a value (MDS, VMD and channel rows of the OBX-4 containment
 * tree) give no reading. OBX-11 gives the reading's status (F final; P, R, S preliminary; C
 * amended; D, W entered-in-error); a retraction (D, W) may come without a value and then retracts
 * whatever was stored for its device, metric and time; rows without a result (X, N, I, O) and other
 * statuses are rejected. PID-3 names the patient and PV1-3 the bed. Rejections name the HL7
 * location as ERR-2 does, e.g. {@code OBX^2^5} for the second OBX segment of the message (whatever
 * its OBX-1).
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
      int visited = readings(oru, Hl7Messages.obxWithoutValueType(er7), readings, rejected);
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
  private static int readings(
      ORU_R01 oru,
      java.util.Set<Integer> untyped,
      List<DeviceReading> out,
      List<Rejection> rejected)
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
          Pv1Location.bed(result.getPATIENT().getVISIT().getPV1().getAssignedPatientLocation());
      for (int o = 0; o < result.getORDER_OBSERVATIONReps(); o++) {
        ORU_R01_ORDER_OBSERVATION order = result.getORDER_OBSERVATION(o);
        OBR obr = order.getOBR();
        String orderTime = first(obr.getObservationDateTime().getValue(), messageTime);
        Map<String, String> mdsEquipment = new HashMap<>();
        Map<String, String> containerCodes = new HashMap<>();
        Map<String, List<OBX>> attributes = waveformAttributes(order);
        java.util.Set<OBX> companions =
            java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        attributes.values().forEach(companions::addAll);
        // Where each row sits among the message's OBX segments: the segment sequence of HL7 ERR-2,
        // which names rows in ACKs and rejections. OBX-1 restarts in each OBR group.
        Map<OBX, Integer> occurrence = new java.util.IdentityHashMap<>();
        for (int x = 0; x < order.getOBSERVATIONReps(); x++) {
          occurrence.put(order.getOBSERVATION(x).getOBX(), obxIndex + x + 1);
        }
        for (int x = 0; x < order.getOBSERVATIONReps(); x++) {
          ORU_R01_OBSERVATION observation = order.getOBSERVATION(x);
          OBX obx = observation.getOBX();
          obxIndex++;
          String seq = Integer.toString(obxIndex);
          String path = obx.getObservationSubID().getValue();
          String mds = path == null ? "" : path.split("\\.")[0];
          String equipment = Obx18Equipment.id(obx);
          if (equipment != null && path != null && containerKey(path).equals(mds)) {
            mdsEquipment.put(mds, equipment);
          }
          if (companions.contains(obx)) {
            // An attribute of a waveform row (sample rate, range, resolution): read with it.
            continue;
          }
          CWE id = obx.getObservationIdentifier();
          String valueType = obx.getValueType().getValue();
          boolean coded = valueType != null && CODED_TYPES.contains(valueType);
          boolean text = valueType != null && TEXT_TYPES.contains(valueType);
          boolean waveform = "NA".equals(valueType);
          boolean hasValue = obx.getObservationValueReps() > 0;
          String resultStatus = strip(obx.getObservationResultStatus().getValue());
          MeasurementStatus status = resultStatus == null ? null : RESULT_STATUS.get(resultStatus);
          boolean retraction = status == MeasurementStatus.ENTERED_IN_ERROR;
          String exactNumber = null;
          if (!"NM".equals(valueType)) {
            if (!hasValue && !(retraction && (coded || text || waveform))) {
              if (Containment.isPath(path)) {
                containerCodes.put(containerKey(path), mdcCode(id));
              }
              continue;
            }
            if (untyped.contains(obxIndex)) {
              // HAPI read OBX-5 as its default type (ST); the sender declared none.
              rejected.add(
                  new Rejection(
                      RejectionReason.MISSING_FIELD,
                      "OBX^" + seq + "^2",
                      "OBX-2 value type is missing for the value of "
                          + mdcCode(id)
                          + ": OBX-5 cannot be read"));
              continue;
            }
            if ("SN".equals(valueType)) {
              exactNumber = ObxStructuredNumeric.exactNumber(obx.getObservationValue(0).getData());
              if (exactNumber == null) {
                rejected.add(
                    new Rejection(
                        RejectionReason.UNSUPPORTED_VALUE,
                        "OBX^" + seq + "^5",
                        "SN value of "
                            + mdcCode(id)
                            + " is not one exact number (a comparator, range or ratio is not a"
                            + " measured value)"));
                continue;
              }
            } else if (!coded && !text && !waveform) {
              // Other value types are not measurements: kept, never dropped.
              rejected.add(
                  new Rejection(
                      RejectionReason.UNSUPPORTED_VALUE,
                      "OBX^" + seq + "^2",
                      "OBX value type "
                          + valueType
                          + " of "
                          + mdcCode(id)
                          + " is not supported (only NM, SN, NA, coded and text)"));
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
          String label = Obx3Label.of(id);
          if (obx.getObservationValueReps() > 1 && !text && !waveform) {
            // One reading per row: keeping the first value would silently drop the others.
            rejected.add(
                new Rejection(
                    RejectionReason.UNSUPPORTED_VALUE,
                    "OBX^" + seq + "^5",
                    "OBX-5 of "
                        + mdcCode(id)
                        + " has "
                        + obx.getObservationValueReps()
                        + " values (repetitions); a "
                        + valueType
                        + " row carries one"));
            continue;
          }
          String value =
              exactNumber != null
                  ? exactNumber
                  : hasValue ? obx.getObservationValue(0).getData().encode() : null;
          if ("NM".equals(valueType)
              && value != null
              && SCIENTIFIC.matcher(value.strip()).matches()) {
            // The number parser downstream also reads JSON, where 1E2 is 100; in HL7 it is a
            // data type error and the sender must hear of it.
            rejected.add(
                new Rejection(
                    RejectionReason.NOT_NUMERIC,
                    "OBX^" + seq + "^5",
                    "value '"
                        + value.strip()
                        + "' of "
                        + mdcCode(id)
                        + " is not an HL7 NM number (sign, digits, decimal point; no exponent)"));
            continue;
          }
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
          } else if (waveform && hasValue) {
            String naPath = path == null ? null : path.strip();
            preset =
                waveform(
                    obx,
                    seq,
                    mdcCode(id),
                    componentSeparator(msh),
                    naPath == null ? List.of() : attributes.getOrDefault(naPath, List.of()),
                    occurrence,
                    rejected);
            if (preset == null) {
              continue;
            }
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

  /** MDC_ATTR_SAMP_RATE: the sampling rate attribute of a waveform (IHE PCD WCM). */
  static final String SAMPLE_RATE = "MDC_ATTR_SAMP_RATE";

  /** MDC and UCUM spellings of "per second", the unit of MDC_ATTR_SAMP_RATE in PCD-01 messages. */
  private static final java.util.Set<String> PER_SECOND =
      java.util.Set.of("264608", "MDC_DIM_PER_SEC", "/s", "1/s", "Hz");

  /** A number in exponent notation, which HL7 NM does not allow. */
  private static final java.util.regex.Pattern SCIENTIFIC =
      java.util.regex.Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)[eE][+-]?\\d+");

  /** An HL7 NM value: optional sign, digits, optional decimal point (no exponent). */
  private static final java.util.regex.Pattern NM =
      java.util.regex.Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)");

  /**
   * The attribute rows of each waveform row in one OBR group, by the waveform row's OBX-4 path. IHE
   * PCD Waveform Content Module (WCM, PCD TF supplement, as used in PCD-01 ORU^R01): a waveform is
   * one OBX with OBX-2 NA whose OBX-5 holds the samples as components; its attributes follow as OBX
   * rows one containment level below it (OBX-4 {@code <waveform path>.n}) with an MDC_ATTR_*
   * identifier, e.g. {@code 0^MDC_ATTR_SAMP_RATE^MDC} NM in 264608^MDC_DIM_PER_SEC, {@code
   * MDC_ATTR_DATA_RANGE} NR, {@code MDC_ATTR_NU_MSMT_RES} NM (public PCD-01 WCM test messages).
   */
  private static Map<String, List<OBX>> waveformAttributes(ORU_R01_ORDER_OBSERVATION order)
      throws HL7Exception {
    java.util.Set<String> waveforms = new java.util.HashSet<>();
    List<OBX> rows = new ArrayList<>();
    for (int x = 0; x < order.getOBSERVATIONReps(); x++) {
      OBX obx = order.getOBSERVATION(x).getOBX();
      rows.add(obx);
      String path = strip(obx.getObservationSubID().getValue());
      if ("NA".equals(obx.getValueType().getValue()) && path != null) {
        waveforms.add(path);
      }
    }
    Map<String, List<OBX>> attributes = new HashMap<>();
    if (waveforms.isEmpty()) {
      return attributes;
    }
    for (OBX obx : rows) {
      String path = strip(obx.getObservationSubID().getValue());
      String refid = strip(obx.getObservationIdentifier().getText().getValue());
      if (path == null || refid == null || !refid.startsWith("MDC_ATTR_")) {
        continue;
      }
      int dot = path.lastIndexOf('.');
      String parent = dot < 0 ? null : path.substring(0, dot);
      if (parent != null && waveforms.contains(parent)) {
        attributes.computeIfAbsent(parent, k -> new ArrayList<>()).add(obx);
      }
    }
    return attributes;
  }

  private static char componentSeparator(MSH msh) {
    String enc = msh.getEncodingCharacters().getValue();
    return enc == null || enc.isEmpty() ? '^' : enc.charAt(0);
  }

  /**
   * OBX-5 of a waveform (NA) row as a sampled series, or {@code null} with the rejection added. HL7
   * v2 chapter 7 (NA data type): the samples of one channel are separated by the component
   * separator; a repetition would be a further channel, which PCD-01 does not use. IHE PCD WCM: the
   * values are in the OBX-6 unit, OBX-14 is the time of the first sample, and the sampling rate is
   * the MDC_ATTR_SAMP_RATE attribute row (samples per second); the period is 1000 / rate ms. A
   * missing rate is a rejection, never a guess. Decimal samples are kept exactly: data are the
   * unscaled integers and factor is 10^-scale (origin 0), the FHIR SampledData shape.
   */
  private static Value waveform(
      OBX obx,
      String seq,
      String code,
      char separator,
      List<OBX> attributes,
      Map<OBX, Integer> occurrence,
      List<Rejection> rejected)
      throws HL7Exception {
    String at = "OBX^" + seq + "^5";
    if (obx.getObservationValueReps() > 1) {
      rejected.add(
          new Rejection(
              RejectionReason.UNSUPPORTED_VALUE,
              at,
              "waveform "
                  + code
                  + " has "
                  + obx.getObservationValueReps()
                  + " channels (OBX-5 repetitions); one channel per NA row is supported"));
      return null;
    }
    CWE units = obx.getUnits();
    String unit = strip(first(units.getIdentifier().getValue(), units.getText().getValue()));
    if (unit == null) {
      rejected.add(
          new Rejection(
              RejectionReason.MISSING_FIELD,
              "OBX^" + seq + "^6",
              "no unit (OBX-6) for the waveform " + code));
      return null;
    }
    String encoded = obx.getObservationValue(0).encode();
    String[] parts = encoded.split(java.util.regex.Pattern.quote(String.valueOf(separator)), -1);
    List<BigDecimal> samples = new ArrayList<>(parts.length);
    int scale = 0;
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i].strip();
      if (!NM.matcher(p).matches()) {
        rejected.add(
            new Rejection(
                RejectionReason.NOT_NUMERIC,
                at,
                "sample "
                    + (i + 1)
                    + " '"
                    + (p.length() > 20 ? p.substring(0, 20) + "…" : p)
                    + "' of the waveform "
                    + code
                    + " is not a number"));
        return null;
      }
      BigDecimal n = new BigDecimal(p.startsWith("+") ? p.substring(1) : p);
      samples.add(n);
      scale = Math.max(scale, n.scale());
    }
    BigDecimal rate = null;
    for (OBX a : attributes) {
      if (!SAMPLE_RATE.equals(strip(a.getObservationIdentifier().getText().getValue()))) {
        continue;
      }
      String rateSeq = String.valueOf(occurrence.get(a));
      String text =
          a.getObservationValueReps() == 0
              ? null
              : strip(a.getObservationValue(0).getData().encode());
      if (text == null || !NM.matcher(text).matches() || new BigDecimal(text).signum() <= 0) {
        rejected.add(
            new Rejection(
                RejectionReason.NOT_NUMERIC,
                "OBX^" + rateSeq + "^5",
                "sampling rate '"
                    + text
                    + "' of the waveform "
                    + code
                    + " is not a positive number"));
        return null;
      }
      CWE ru = a.getUnits();
      String rateUnit = strip(first(ru.getIdentifier().getValue(), ru.getText().getValue()));
      String rateUnitText = strip(ru.getText().getValue());
      if (!(rateUnit != null && PER_SECOND.contains(rateUnit)
          || rateUnitText != null && PER_SECOND.contains(rateUnitText))) {
        rejected.add(
            new Rejection(
                RejectionReason.UNIT_UNKNOWN,
                "OBX^" + rateSeq + "^6",
                "sampling rate unit '"
                    + rateUnit
                    + "' of the waveform "
                    + code
                    + " is not per second (264608^MDC_DIM_PER_SEC)"));
        return null;
      }
      BigDecimal r = new BigDecimal(text.startsWith("+") ? text.substring(1) : text);
      if (rate != null && rate.compareTo(r) != 0) {
        rejected.add(
            new Rejection(
                RejectionReason.UNSUPPORTED_VALUE,
                "OBX^" + rateSeq + "^5",
                "the waveform " + code + " has two different sampling rates"));
        return null;
      }
      rate = r;
    }
    if (rate == null) {
      rejected.add(
          new Rejection(
              RejectionReason.MISSING_FIELD,
              at,
              "no sampling rate for the waveform "
                  + code
                  + ": an "
                  + SAMPLE_RATE
                  + " row under OBX-4 "
                  + first(obx.getObservationSubID().getValue(), "(none)")
                  + " is required"));
      return null;
    }
    List<Long> data = new ArrayList<>(samples.size());
    try {
      for (BigDecimal n : samples) {
        data.add(n.setScale(scale).unscaledValue().longValueExact());
      }
    } catch (ArithmeticException e) {
      rejected.add(
          new Rejection(
              RejectionReason.UNSUPPORTED_VALUE,
              at,
              "samples of the waveform " + code + " have more digits than a series can hold"));
      return null;
    }
    BigDecimal period =
        BigDecimal.valueOf(1000).divide(rate, java.math.MathContext.DECIMAL64).stripTrailingZeros();
    if (period.scale() < 0) {
      period = period.setScale(0);
    }
    return new Value.SampledSeries(
        BigDecimal.ZERO, period, BigDecimal.ONE.scaleByPowerOfTen(-scale), unit, data);
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
