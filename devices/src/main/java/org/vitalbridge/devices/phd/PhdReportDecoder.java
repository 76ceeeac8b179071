package org.vitalbridge.devices.phd;

import java.util.ArrayList;
import java.util.List;
import org.vitalbridge.core.mapping.MappingResult;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;
import org.vitalbridge.core.pipeline.PayloadDecoder;
import org.vitalbridge.core.time.TimeFormat;
import org.vitalbridge.core.time.TimeSpec;

/**
 * Journaled IEEE 11073-20601 reports ({@value PhdContentType#BASE}) to device readings, without any
 * session state: the payload is the APDUs themselves — for an extended configuration the agent's
 * config report (a PRST) followed by the data report (a PRST), for a standard configuration the
 * data report alone, the content type naming the configuration and the agent's system-id.
 * Reprocessing from the journal therefore decodes exactly as on receipt. Bad bytes give a rejection
 * naming the offset; this decoder never throws.
 */
public final class PhdReportDecoder implements PayloadDecoder {
  static final String MAPPING = "ieee-11073-20601@1";

  @Override
  public boolean accepts(String contentType) {
    return PhdContentType.matches(contentType);
  }

  @Override
  public MappingResult decode(RawMessage message) {
    PhdContentType type;
    try {
      type = PhdContentType.parse(message.contentType());
    } catch (RuntimeException e) {
      return failed(RejectionReason.MALFORMED_PAYLOAD, "content type: " + e.getMessage());
    }
    try {
      return decode(type, message.payload());
    } catch (MderException e) {
      return failed(RejectionReason.MALFORMED_PAYLOAD, e.getMessage());
    } catch (RuntimeException e) {
      // Never out of the pipeline: a decoder bug quarantines the message instead.
      return failed(RejectionReason.MALFORMED_PAYLOAD, "undecodable report: " + e);
    }
  }

  static MappingResult decode(PhdContentType type, byte[] payload) {
    String device = PhdContentType.deviceId(type.systemId());
    TimeSpec timeSpec = new TimeSpec(TimeFormat.LOCAL, type.zone(), null);
    DeviceConfig config = StandardConfigs.find(type.configId()).orElse(null);
    List<DeviceReading> readings = new ArrayList<>();
    List<Rejection> rejected = new ArrayList<>();
    int reports = 0;
    for (byte[] bytes : ApduFramer.split(payload)) {
      Apdu apdu = ApduCodec.decode(bytes);
      if (!(apdu instanceof Apdu.Prst prst) || !EventReport.isEventReport(prst)) {
        rejected.add(
            new Rejection(
                RejectionReason.UNSUPPORTED_MESSAGE,
                null,
                "not an event report: " + apdu.getClass().getSimpleName()));
        continue;
      }
      EventReport report = EventReport.of(prst);
      if (report.eventType() == Phd.NOTI_CONFIG) {
        config = DeviceConfig.parseReport(type.configId(), report.info().array()).config();
      } else if (ScanReportDecoder.isScanReport(report.eventType())) {
        reports++;
        if (config == null) {
          return failed(
              RejectionReason.MALFORMED_PAYLOAD,
              "configuration "
                  + ScanReportDecoder.hex(type.configId())
                  + " is not standard and the payload carries no config report");
        }
        ScanReportDecoder.Decoded d =
            ScanReportDecoder.decode(
                config, report.eventType(), report.info().array(), device, timeSpec);
        readings.addAll(d.readings());
        rejected.addAll(d.rejected());
      } else {
        reports++;
        rejected.add(
            new Rejection(
                RejectionReason.UNSUPPORTED_MESSAGE,
                null,
                String.format("event type 0x%04X is not a scan report", report.eventType())));
      }
    }
    if (reports == 0 && rejected.isEmpty()) {
      return failed(RejectionReason.MISSING_FIELD, "payload holds no report");
    }
    return new MappingResult.Mapped(MAPPING, readings, rejected);
  }

  private static MappingResult failed(RejectionReason reason, String detail) {
    return new MappingResult.Failed(new Rejection(reason, null, detail));
  }
}
