package org.vitalbridge.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.vitalbridge.store.Devices;
import org.vitalbridge.store.Store;

/**
 * {@code GET /api/v1/devices} and {@code GET /api/v1/devices/{id}}: the devices VitalBridge has
 * heard from, with presence (online/offline, when and why: MQTT connect, disconnect, will) and last
 * seen, plus its rate (measurements per minute over the last five minutes) and its open rejections
 * (where the message names the device). Device ids are not patient data; what a device measured is
 * not shown here.
 */
final class DeviceRoutes {
  private final Store store;
  private final Devices devices;
  private final Clock clock;

  DeviceRoutes(Store store, Clock clock) {
    this.store = store;
    this.devices = store.devices();
    this.clock = clock;
  }

  void list(Context ctx) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    Map<String, Long> received = received();
    Map<String, Long> rejected = store.quarantine().openPerDevice();
    devices.list().forEach(d -> out.add(json(d, received, rejected)));
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
    ctx.result(Json.bytes(json(d, received(), store.quarantine().openPerDevice())));
  }

  private Map<String, Long> received() {
    return store.measurements().receivedPerDevice(clock.instant().minus(FlowRoutes.WINDOW));
  }

  private static ObjectNode json(
      Devices.DeviceState d, Map<String, Long> received, Map<String, Long> rejected) {
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
    o.put("perMinute", FlowRoutes.perMinute(received.getOrDefault(d.id(), 0L)));
    o.put("openRejections", rejected.getOrDefault(d.id(), 0L));
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
