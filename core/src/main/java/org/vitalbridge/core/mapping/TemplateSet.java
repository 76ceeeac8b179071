package org.vitalbridge.core.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.vitalbridge.core.mapping.MappingTemplate.Condition;
import org.vitalbridge.core.mapping.MappingTemplate.Rule;
import org.vitalbridge.core.mapping.MappingTemplate.Scope;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;
import org.vitalbridge.core.time.TimeFormat;
import org.vitalbridge.core.time.TimeSpec;

/** The loaded templates; maps a JSON payload with the first template whose match rule holds. */
public final class TemplateSet {
  private final List<MappingTemplate> templates;

  TemplateSet(List<MappingTemplate> templates) {
    this.templates = List.copyOf(templates);
  }

  public int size() {
    return templates.size();
  }

  /** Template ids with versions, in match order. */
  public List<String> names() {
    return templates.stream().map(MappingTemplate::mappingName).toList();
  }

  /** Maps {@code payload} with the first template whose match rule holds. */
  public MappingResult map(JsonNode payload) {
    return map(payload, null, null);
  }

  /**
   * Maps {@code payload} with the template the channel names ({@code template}: a topic or URL
   * chose it, so match rules are not consulted), or by match rules when {@code template} is null.
   * {@code channelDevice} is the device id the channel names (topic, URL); the payload's own device
   * field wins when present.
   */
  public MappingResult map(JsonNode payload, String template, String channelDevice) {
    if (template != null) {
      for (MappingTemplate t : templates) {
        if (t.id().equals(template)) {
          return apply(t, payload, channelDevice);
        }
      }
      return new MappingResult.Failed(
          new Rejection(
              RejectionReason.NO_TEMPLATE,
              null,
              "no template named '"
                  + template
                  + "' is loaded"
                  + (templates.isEmpty() ? "" : " (loaded: " + String.join(", ", ids()) + ")")));
    }
    for (MappingTemplate t : templates) {
      if (matches(t, payload)) {
        return apply(t, payload, channelDevice);
      }
    }
    return new MappingResult.Failed(
        new Rejection(
            RejectionReason.NO_TEMPLATE,
            null,
            templates.isEmpty()
                ? "no mapping templates are loaded"
                : "no template matches this payload (tried " + String.join(", ", names()) + ")"));
  }

  /** Template ids (without versions), as channels name them. */
  public List<String> ids() {
    return templates.stream().map(MappingTemplate::id).toList();
  }

  private static MappingResult apply(MappingTemplate t, JsonNode payload, String channelDevice) {
    List<DeviceReading> readings = new ArrayList<>();
    Resolved channel =
        channelDevice == null ? Resolved.EMPTY : Resolved.EMPTY.withChannelDevice(channelDevice);
    Resolved top = channel.with(t.scope(), payload, null, Context.ROOT);
    for (Rule rule : t.measurements()) {
      walk(rule, payload, null, Context.ROOT, top, readings);
    }
    if (readings.isEmpty()) {
      return new MappingResult.Failed(
          new Rejection(
              RejectionReason.MISSING_FIELD,
              "measurements",
              "template " + t.mappingName() + " matched but found no measurements"));
    }
    return new MappingResult.Mapped(t.mappingName(), readings);
  }

  private static boolean matches(MappingTemplate t, JsonNode payload) {
    for (Condition c : t.match()) {
      JsonNode n = c.path().node(payload, null);
      if (n == null) {
        return false;
      }
      if (c.equals() == null && c.matches() == null) {
        continue;
      }
      String text = Expr.asText(n);
      if (c.equals() != null && !c.equals().equals(text)) {
        return false;
      }
      if (c.matches() != null && (text == null || !c.matches().matcher(text).matches())) {
        return false;
      }
    }
    return true;
  }

  private static void walk(
      Rule rule,
      JsonNode root,
      JsonNode item,
      Context context,
      Resolved outer,
      List<DeviceReading> out) {
    if (rule.each() != null) {
      List<JsonNode> items = rule.each().items(root, item);
      String base = field(rule.each(), context);
      for (int i = 0; i < items.size(); i++) {
        String path =
            base.endsWith("[*]")
                ? base.substring(0, base.length() - 3) + "[" + i + "]"
                : base + "[" + i + "]";
        apply(rule, root, items.get(i), new Context(path, false), outer, out);
      }
    } else if (rule.entries() != null) {
      String base = field(rule.entries(), context);
      for (JsonNode entry : entries(rule.entries().node(root, item))) {
        String path = base + "['" + entry.get("key").asText().replace("'", "\\'") + "']";
        apply(rule, root, entry, new Context(path, true), outer, out);
      }
    } else {
      apply(rule, root, item, context, outer, out);
    }
  }

  private static void apply(
      Rule rule,
      JsonNode root,
      JsonNode item,
      Context context,
      Resolved outer,
      List<DeviceReading> out) {
    Resolved scope = outer.with(rule.scope(), root, item, context);
    if (!rule.children().isEmpty()) {
      for (Rule child : rule.children()) {
        walk(child, root, item, context, scope, out);
      }
      return;
    }
    String value = rule.value().text(root, item);
    if (value == null && rule.optional()) {
      return;
    }
    out.add(
        new DeviceReading(
            scope.device,
            rule.label().text(root, item),
            value,
            rule.unit() == null ? null : rule.unit().text(root, item),
            scope.timestamp,
            scope.timeSpec,
            new DeviceReading.Fields(
                scope.deviceField,
                field(rule.label(), context),
                field(rule.value(), context),
                rule.unit() == null ? "unit" : field(rule.unit(), context),
                scope.timestampField),
            scope.location));
  }

  /** An object's fields as {@code {"key": name, "value": node}} items. */
  private static List<JsonNode> entries(JsonNode node) {
    List<JsonNode> out = new ArrayList<>();
    if (node == null || !node.isObject()) {
      return out;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      ObjectNode entry = JsonNodeFactory.instance.objectNode();
      entry.put("key", e.getKey());
      entry.set("value", e.getValue());
      out.add(entry);
    }
    return out;
  }

  /**
   * Where an expression points in the payload, for rejections: {@code @.value} of item 2 of {@code
   * $.obs[*]} is {@code $.obs[2].value}; of the entry {@code spo2} of {@code $.vitals} it is {@code
   * $.vitals['spo2']}.
   */
  private static String field(Expr e, Context context) {
    if (!e.isPath()) {
      return "(literal " + e.text() + ")";
    }
    if (!e.text().startsWith("@")) {
      return e.text();
    }
    String rest = e.text().substring(1);
    if (context.entry()) {
      if (rest.startsWith(".value")) {
        return context.path() + rest.substring(".value".length());
      }
      if (rest.equals(".key")) {
        return context.path() + " (key)";
      }
    }
    return context.path() + rest;
  }

  /** The payload path of the current item; {@code entry} when it is an object field. */
  private record Context(String path, boolean entry) {
    static final Context ROOT = new Context("$", false);
  }

  /** Device, time and location resolved to text at one level of nesting. */
  private record Resolved(
      String device,
      String deviceField,
      String timestamp,
      TimeSpec timeSpec,
      String timestampField,
      String location) {
    static final Resolved EMPTY =
        new Resolved(null, "device", null, TimeSpec.AUTO, "timestamp", null);

    Resolved withChannelDevice(String channelDevice) {
      return new Resolved(
          channelDevice, "(channel)", timestamp, timeSpec, timestampField, location);
    }

    Resolved with(Scope s, JsonNode root, JsonNode item, Context context) {
      String d = device;
      String df = deviceField;
      if (s.device() != null) {
        String found = s.device().text(root, item);
        // A device the payload does not name is the one the channel (or outer level) named.
        if (found != null || d == null) {
          d = found;
          df = field(s.device(), context);
        }
      }
      String ts = timestamp;
      TimeSpec spec = timeSpec;
      String tf = timestampField;
      if (s.timestamp() != null) {
        JsonNode n = s.timestamp().node(root, item);
        ts = Expr.asText(n);
        spec = s.timeSpec();
        if (n != null && n.isNumber() && spec.format() == TimeFormat.AUTO) {
          spec = new TimeSpec(TimeFormat.EPOCH, spec.zone(), spec.pattern());
        }
        tf = field(s.timestamp(), context);
      }
      String loc = s.location() != null ? s.location().text(root, item) : location;
      return new Resolved(d, df, ts, spec, tf, loc);
    }
  }
}
