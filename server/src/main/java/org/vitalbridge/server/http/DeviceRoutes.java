package org.vitalbridge.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.time.Instant;
import org.vitalbridge.store.Devices;

/**
 * {@code GET /api/v1/devices} and {@code GET /api/v1/devices/{id}}: the devices VitalBridge has
 * heard from, with presence (online/offline, when and why: MQTT connect, disconnect, will) and last
 * seen. Device ids are not patient data; what a device measured is not shown here.
 */
final class DeviceRoutes {
  private final Devices devices;

  DeviceRoutes(Devices devices) {
    this.devices = devices;
  }

  void list(Context ctx) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    devices.list().forEach(d -> out.add(json(d)));
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.set("devices", out);
    ctx.contentType("application/json");
    ctx.result(Json.bytes(body));
  }

  void one(Context ctx) {
    String id = ctx.pathParam("id");
    Devices.DeviceState d =
        devices
            .find(id)
            .orElseThrow(
                () ->
                    Problem.of(
                            "unknown-device",
                            "Unknown device",
                            404,
                            "no device '" + id + "' has been heard from",
                            ctx.path())
                        .raise());
    ctx.contentType("application/json");
    ctx.result(Json.bytes(json(d)));
  }

  private static ObjectNode json(Devices.DeviceState d) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("id", d.id());
    o.put("adapter", d.adapter());
    o.put("state", d.connectionState());
    putInstant(o, "lastSeen", d.lastSeen());
    putInstant(o, "stateChangedAt", d.stateChangedAt());
    if (d.stateReason() == null) {
      o.putNull("stateReason");
    } else {
      o.put("stateReason", d.stateReason());
    }
    return o;
  }

  private static void putInstant(ObjectNode o, String name, Instant at) {
    if (at == null) {
      o.putNull(name);
    } else {
      o.put(name, at.toString());
    }
  }
}
