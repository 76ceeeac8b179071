package org.vitalbridge.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.core.model.MeasurementFlag;
import org.vitalbridge.core.model.Value;

/** A measurement as the live stream sends it: one JSON object, every value kind spelled out. */
final class MeasurementJson {
  private MeasurementJson() {}

  static ObjectNode of(Measurement m) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("kind", "measurement");
    o.put("id", m.id().toString());
    o.put("device", m.device().value());
    putNullable(o, "patient", m.subject());
    putNullable(o, "bed", m.location());
    ObjectNode metric = o.putObject("metric");
    metric.put("mdc", m.metric().mdc());
    metric.put("refid", m.metric().refId());
    putNullable(metric, "loinc", m.metric().loinc());
    putNullable(metric, "display", m.metric().display());
    o.set("value", value(m.value()));
    o.put("observedAt", m.observedAt().toString());
    o.put("receivedAt", m.receivedAt().toString());
    o.put("status", m.status().code());
    ArrayNode flags = o.putArray("flags");
    for (MeasurementFlag f : MeasurementFlag.values()) {
      if (m.flags().contains(f)) {
        flags.add(f.code());
      }
    }
    o.put("rawId", m.provenance().rawMessageId());
    o.put("adapter", m.provenance().adapter());
    return o;
  }

  private static ObjectNode value(Value v) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    if (v instanceof Value.Quantity q) {
      o.put("type", "quantity");
      o.put("number", q.number());
      o.put("unit", q.unit());
    } else if (v instanceof Value.Coded c) {
      o.put("type", "coded");
      o.put("system", c.system());
      o.put("code", c.code());
      putNullable(o, "display", c.display());
    } else if (v instanceof Value.Text t) {
      o.put("type", "text");
      o.put("text", t.text());
    } else if (v instanceof Value.SampledSeries s) {
      o.put("type", "sampled");
      o.put("origin", s.origin());
      o.put("periodMillis", s.periodMillis());
      o.put("factor", s.factor());
      o.put("unit", s.unit());
      ArrayNode data = o.putArray("data");
      s.data().forEach(data::add);
    } else {
      o.put("type", "none");
    }
    return o;
  }

  private static void putNullable(ObjectNode o, String name, String value) {
    if (value == null) {
      o.putNull(name);
    } else {
      o.put(name, value);
    }
  }
}
