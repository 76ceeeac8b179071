package org.vitalbridge.devices.phd;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An agent's configuration: its objects by handle, as a standard configuration defines them or as
 * its config report (MDC_NOTI_CONFIG) described them. Only what decoding observations needs is
 * kept: class, metric type, unit, the compound's physio list and the fixed-format value map.
 */
record DeviceConfig(int configId, Map<Integer, ConfigObject> objects) {
  DeviceConfig {
    // Ordered: the object list is encoded (and read) in the agent's order.
    objects = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(objects));
  }

  /** One entry of an Attr-Value-Map: which attribute, how many bytes, in fixed scan reports. */
  record MapEntry(int attributeId, int length) {}

  /**
   * @param partition the metric type's partition (0 when the object has no type)
   * @param unitCode the DIM term code, -1 when the object has none
   * @param physio the compound value's metric ids (MDC_ATTR_ID_PHYSIO_LIST), else empty
   */
  record ConfigObject(
      int handle,
      int objClass,
      int partition,
      int metricCode,
      int unitCode,
      List<Integer> physio,
      List<MapEntry> valueMap) {
    ConfigObject {
      physio = List.copyOf(physio);
      valueMap = List.copyOf(valueMap);
    }
  }

  /** A config report's event-info: config-report-id and the object list. */
  record Report(int reportId, DeviceConfig config) {}

  /** Reads a ConfigReport; throws {@link MderException} on malformed bytes. */
  static Report parseReport(int configId, byte[] eventInfo) {
    MderReader r = new MderReader(eventInfo);
    int reportId = r.u16("config-report-id");
    int count = r.u16("config-obj-list count");
    MderReader list = r.window(r.u16("config-obj-list length"), "config-obj-list");
    Map<Integer, ConfigObject> objects = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      int objClass = list.u16("obj-class");
      int handle = list.u16("obj-handle");
      int attrCount = list.u16("attribute-list count");
      MderReader attrs = list.window(list.u16("attribute-list length"), "attribute-list");
      int partition = 0;
      int code = 0;
      int unit = -1;
      List<Integer> physio = new ArrayList<>();
      List<MapEntry> map = new ArrayList<>();
      for (int a = 0; a < attrCount; a++) {
        int id = attrs.u16("attribute-id");
        MderReader v = attrs.lengthPrefixed("attribute-value");
        switch (id) {
          case Phd.ATTR_ID_TYPE -> {
            partition = v.u16("TYPE partition");
            code = v.u16("TYPE code");
          }
          case Phd.ATTR_UNIT_CODE -> unit = v.u16("unit-code");
          case Phd.ATTR_ID_PHYSIO_LIST -> {
            int n = v.u16("MetricIdList count");
            MderReader ids = v.window(v.u16("MetricIdList length"), "MetricIdList");
            for (int k = 0; k < n; k++) {
              physio.add(ids.u16("metric-id"));
            }
          }
          case Phd.ATTR_ATTRIBUTE_VAL_MAP -> {
            int n = v.u16("AttrValMap count");
            MderReader entries = v.window(v.u16("AttrValMap length"), "AttrValMap");
            for (int k = 0; k < n; k++) {
              map.add(new MapEntry(entries.u16("attribute-id"), entries.u16("attribute-len")));
            }
          }
          default -> {
            // Other static attributes (metric-spec-small, labels, …) do not shape the values.
          }
        }
      }
      attrs.expectEnd("attribute-list");
      objects.put(handle, new ConfigObject(handle, objClass, partition, code, unit, physio, map));
    }
    list.expectEnd("config-obj-list");
    r.expectEnd("config report");
    return new Report(reportId, new DeviceConfig(configId, objects));
  }

  /** The config report's event-info for this configuration (the test agent sends it). */
  byte[] encodeReport(int reportId) {
    MderWriter list = new MderWriter();
    for (ConfigObject o : objects.values()) {
      MderWriter attrs = new MderWriter();
      int n = 0;
      if (o.partition() != 0 || o.metricCode() != 0) {
        attrs.u16(Phd.ATTR_ID_TYPE).lengthPrefixed(u16s(o.partition(), o.metricCode()));
        n++;
      }
      if (o.unitCode() >= 0) {
        attrs.u16(Phd.ATTR_UNIT_CODE).lengthPrefixed(u16s(o.unitCode()));
        n++;
      }
      if (!o.physio().isEmpty()) {
        MderWriter ids = new MderWriter().u16(o.physio().size()).u16(2 * o.physio().size());
        o.physio().forEach(ids::u16);
        attrs.u16(Phd.ATTR_ID_PHYSIO_LIST).lengthPrefixed(ids.toBytes());
        n++;
      }
      if (!o.valueMap().isEmpty()) {
        MderWriter m = new MderWriter().u16(o.valueMap().size()).u16(4 * o.valueMap().size());
        o.valueMap().forEach(e -> m.u16(e.attributeId()).u16(e.length()));
        attrs.u16(Phd.ATTR_ATTRIBUTE_VAL_MAP).lengthPrefixed(m.toBytes());
        n++;
      }
      byte[] a = attrs.toBytes();
      list.u16(o.objClass()).u16(o.handle()).u16(n).lengthPrefixed(a);
    }
    return new MderWriter()
        .u16(reportId)
        .u16(objects.size())
        .lengthPrefixed(list.toBytes())
        .toBytes();
  }

  private static byte[] u16s(int... values) {
    MderWriter w = new MderWriter();
    for (int v : values) {
      w.u16(v);
    }
    return w.toBytes();
  }
}
