package org.vitalbridge.devices.phd;

/**
 * An EventReportArgumentSimple (roiv-cmip-event-report and its confirmed form): who reports, the
 * event type and the event-info bytes, read lazily by the event's own decoder.
 */
record EventReport(
    int invokeId,
    boolean confirmed,
    int objHandle,
    long eventTime,
    int eventType,
    Apdu.Bytes info) {

  static boolean isEventReport(Apdu.Prst p) {
    return p.choice() == Phd.ROIV_EVENT_REPORT || p.choice() == Phd.ROIV_CONFIRMED_EVENT_REPORT;
  }

  static EventReport of(Apdu.Prst p) {
    MderReader r = new MderReader(p.body().array());
    int handle = r.u16("obj-handle");
    long time = r.u32("event-time");
    int type = r.u16("event-type");
    MderReader info = r.lengthPrefixed("event-info");
    r.expectEnd("event report");
    return new EventReport(
        p.invokeId(),
        p.choice() == Phd.ROIV_CONFIRMED_EVENT_REPORT,
        handle,
        time,
        type,
        new Apdu.Bytes(info.bytes(info.remaining(), "event-info")));
  }
}
