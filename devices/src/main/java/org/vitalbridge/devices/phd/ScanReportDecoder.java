package org.vitalbridge.devices.phd;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.MeasurementFlag;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;
import org.vitalbridge.core.time.TimeSpec;

/**
 * Scan reports (fixed, variable and their multi-person forms) to readings, by the agent's
 * configuration. A broken list structure throws {@link MderException} (the whole report is
 * malformed); a broken observation inside a well-bounded list is rejected alone.
 */
final class ScanReportDecoder {
  private ScanReportDecoder() {}

  record Decoded(List<DeviceReading> readings, List<Rejection> rejected) {}

  static boolean isScanReport(int eventType) {
    return eventType == Phd.NOTI_SCAN_REPORT_FIXED
        || eventType == Phd.NOTI_SCAN_REPORT_VAR
        || eventType == Phd.NOTI_SCAN_REPORT_MP_FIXED
        || eventType == Phd.NOTI_SCAN_REPORT_MP_VAR;
  }

  static Decoded decode(
      DeviceConfig config, int eventType, byte[] info, String device, TimeSpec timeSpec) {
    Decoded out = new Decoded(new ArrayList<>(), new ArrayList<>());
    MderReader r = new MderReader(info);
    r.u16("data-req-id");
    r.u16("scan-report-no");
    boolean fixed =
        eventType == Phd.NOTI_SCAN_REPORT_FIXED || eventType == Phd.NOTI_SCAN_REPORT_MP_FIXED;
    if (eventType == Phd.NOTI_SCAN_REPORT_FIXED || eventType == Phd.NOTI_SCAN_REPORT_VAR) {
      scans(config, r, fixed, "", device, timeSpec, out);
    } else {
      int persons = r.u16("scan-per count");
      MderReader list = r.window(r.u16("scan-per length"), "scan-per list");
      for (int i = 0; i < persons; i++) {
        int person = list.u16("person-id");
        scans(config, list, fixed, "person " + person + " ", device, timeSpec, out);
      }
      list.expectEnd("scan-per list");
    }
    r.expectEnd("scan report");
    return out;
  }

  private static void scans(
      DeviceConfig config,
      MderReader r,
      boolean fixed,
      String prefix,
      String device,
      TimeSpec timeSpec,
      Decoded out) {
    int count = r.u16("observation count");
    MderReader list = r.window(r.u16("observation list length"), "observation list");
    for (int i = 0; i < count; i++) {
      int handle = list.u16("obj-handle");
      String field = prefix + "handle " + handle;
      MderReader data;
      int attrCount = 0;
      if (fixed) {
        data = list.lengthPrefixed("obs-val-data");
      } else {
        attrCount = list.u16("attribute count");
        data = list.window(list.u16("attribute list length"), "attribute list");
      }
      DeviceConfig.ConfigObject object = config.objects().get(handle);
      if (object == null) {
        out.rejected()
            .add(
                reject(
                    RejectionReason.MALFORMED_PAYLOAD,
                    field,
                    "no object with this handle in configuration " + hex(config.configId())));
        continue;
      }
      if (object.objClass() != Phd.MOC_VMO_METRIC_NU) {
        out.rejected()
            .add(
                reject(
                    RejectionReason.UNSUPPORTED_VALUE,
                    field,
                    "object class " + object.objClass() + " is not a numeric metric"));
        continue;
      }
      Observation obs = new Observation(object, field);
      try {
        if (fixed) {
          for (DeviceConfig.MapEntry e : object.valueMap()) {
            if (!data.hasRemaining() && obs.hasValue()) {
              break; // a value-only report of a configuration that maps a time stamp too
            }
            obs.attribute(e.attributeId(), data.window(e.length(), "attribute " + e.attributeId()));
          }
          data.expectEnd("obs-val-data");
        } else {
          for (int a = 0; a < attrCount; a++) {
            int id = data.u16("attribute-id");
            obs.attribute(id, data.lengthPrefixed("attribute-value"));
          }
          data.expectEnd("attribute list");
        }
      } catch (MderException e) {
        out.rejected().add(reject(RejectionReason.MALFORMED_PAYLOAD, field, e.getMessage()));
        continue;
      }
      obs.emit(device, timeSpec, out);
    }
    list.expectEnd("observation list");
  }

  private static Rejection reject(RejectionReason reason, String field, String detail) {
    return new Rejection(reason, field, detail);
  }

  static String hex(int configId) {
    return String.format("0x%04X", configId);
  }

  /** One value of an observation: metric, number, unit (-1: the object's) and its own status. */
  private record Value(int code, MderNumber number, int unit, int status, String field) {}

  /** What one object's scan entry said, gathered attribute by attribute. */
  private static final class Observation {
    private final DeviceConfig.ConfigObject object;
    private final String field;
    private final List<Value> values = new ArrayList<>();
    private AbsoluteTimeStamp.Result time;
    private int status;
    private int unit;

    Observation(DeviceConfig.ConfigObject object, String field) {
      this.object = object;
      this.field = field;
      this.unit = object.unitCode();
    }

    boolean hasValue() {
      return !values.isEmpty();
    }

    void attribute(int id, MderReader v) {
      switch (id) {
        case Phd.ATTR_NU_VAL_OBS_BASIC -> single(MderNumber.sfloat(v.u16("SFLOAT")));
        case Phd.ATTR_NU_VAL_OBS_SIMP -> single(MderNumber.float32(v.u32("FLOAT")));
        case Phd.ATTR_NU_VAL_OBS -> values.add(nuObsValue(v, field));
        case Phd.ATTR_NU_CMPD_VAL_OBS_BASIC, Phd.ATTR_NU_CMPD_VAL_OBS_SIMP -> compound(id, v);
        case Phd.ATTR_NU_CMPD_VAL_OBS -> {
          int n = v.u16("NuObsValueCmp count");
          MderReader list = v.window(v.u16("NuObsValueCmp length"), "NuObsValueCmp");
          for (int i = 0; i < n; i++) {
            values.add(nuObsValue(list, field + "[" + i + "]"));
          }
        }
        case Phd.ATTR_TIME_STAMP_ABS -> time = AbsoluteTimeStamp.decode(v.bytes(8, "time"));
        case Phd.ATTR_MSMT_STAT -> status = v.u16("measurement status");
        case Phd.ATTR_UNIT_CODE -> unit = v.u16("unit-code");
        default -> {
          // Attributes that carry no value for a reading (e.g. accuracy) are skipped.
        }
      }
      v.expectEnd("attribute " + id);
    }

    private void single(MderNumber n) {
      values.add(new Value(object.metricCode(), n, -1, 0, field));
    }

    private static Value nuObsValue(MderReader v, String field) {
      int metric = v.u16("metric-id");
      int state = v.u16("state");
      int unit = v.u16("unit-code");
      return new Value(metric, MderNumber.float32(v.u32("FLOAT")), unit, state, field);
    }

    private void compound(int id, MderReader v) {
      int n = v.u16("compound count");
      MderReader list = v.window(v.u16("compound length"), "compound values");
      List<Integer> codes = object.physio();
      if (codes.isEmpty() && object.metricCode() == Phd.PRESS_BLD_NONINV) {
        // 10407 fixes the order of the NIBP compound: systolic, diastolic, mean.
        codes =
            List.of(Phd.PRESS_BLD_NONINV_SYS, Phd.PRESS_BLD_NONINV_DIA, Phd.PRESS_BLD_NONINV_MEAN);
      }
      if (codes.size() != n) {
        throw new MderException(
            list.offset(), "compound of " + n + " values for a physio list of " + codes.size());
      }
      for (int i = 0; i < n; i++) {
        MderNumber number =
            id == Phd.ATTR_NU_CMPD_VAL_OBS_BASIC
                ? MderNumber.sfloat(list.u16("SFLOAT"))
                : MderNumber.float32(list.u32("FLOAT"));
        values.add(new Value(codes.get(i), number, -1, 0, field + "[" + i + "]"));
      }
      list.expectEnd("compound values");
    }

    void emit(String device, TimeSpec timeSpec, Decoded out) {
      if (values.isEmpty()) {
        out.rejected()
            .add(
                reject(
                    RejectionReason.MISSING_FIELD, field, "scan entry without an observed value"));
        return;
      }
      String timestamp = null;
      if (time instanceof AbsoluteTimeStamp.Invalid bad) {
        out.rejected()
            .add(reject(RejectionReason.BAD_TIMESTAMP, field, "absolute time stamp: " + bad.why()));
        return;
      } else if (time instanceof AbsoluteTimeStamp.Local local) {
        timestamp = local.isoLocal();
      }
      for (Value v : values) {
        String label = Phd.label(object.partition(), v.code());
        int s = status | v.status();
        String refusal = refusal(s, v.number());
        if (refusal != null) {
          boolean noValue =
              v.number().isSpecial() || (s & (Phd.MS_INVALID | Phd.MS_NOT_AVAILABLE)) != 0;
          RejectionReason reason =
              noValue ? RejectionReason.NO_VALUE : RejectionReason.UNSUPPORTED_VALUE;
          out.rejected().add(reject(reason, v.field(), label + ": " + refusal));
          continue;
        }
        int u = v.unit() >= 0 ? v.unit() : unit;
        Set<MeasurementFlag> flags = EnumSet.noneOf(MeasurementFlag.class);
        if ((s & (Phd.MS_QUESTIONABLE | Phd.MS_CALIBRATION_ONGOING)) != 0) {
          flags.add(MeasurementFlag.QUESTIONABLE);
        }
        DeviceReading reading =
            new DeviceReading(
                device,
                label,
                v.number().text(),
                u < 0 ? null : Phd.unit(u),
                timestamp,
                timeSpec,
                new DeviceReading.Fields("system-id", v.field(), v.field(), v.field(), field),
                null);
        out.readings().add(flags.isEmpty() ? reading : reading.withDeviceFlags(flags));
      }
    }

    /** Why this value is not a measurement, or {@code null}. */
    private static String refusal(int status, MderNumber n) {
      if (n.isSpecial()) {
        return "the device sent the special value " + n.special();
      }
      if ((status & Phd.MS_INVALID) != 0) {
        return "measurement status invalid";
      }
      if ((status & Phd.MS_NOT_AVAILABLE) != 0) {
        return "measurement status not-available";
      }
      if ((status & Phd.MS_TEST_DATA) != 0) {
        return "test data, not a patient measurement";
      }
      if ((status & Phd.MS_DEMO_DATA) != 0) {
        return "demonstration data, not a patient measurement";
      }
      return null;
    }
  }
}
