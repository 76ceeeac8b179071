package org.vitalbridge.server.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.core.model.MeasurementFlag;
import org.vitalbridge.core.model.MeasurementStatus;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.Value;
import org.vitalbridge.core.pipeline.Outcome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** Dry run: maps and harmonizes payload files and prints one JSON line per outcome. */
@Command(
    name = "normalize",
    mixinStandardHelpOptions = true,
    description = {
      "Map JSON / NDJSON payload files through the templates and print one JSON line per",
      "measurement, rejection or duplicate. Exit 0 when it ran, 2 on usage or template errors."
    })
final class NormalizeCommand implements Callable<Integer> {
  private static final ObjectMapper OUT =
      new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin MappingOptions options;

  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() throws IOException {
    DryRun dryRun = DryRun.prepare(options, spec.commandLine().getErr(), clock);
    if (dryRun == null) {
      return 2;
    }
    PrintWriter out = spec.commandLine().getOut();
    for (DryRun.Result r : dryRun.run(options.files)) {
      if (r.outcome() instanceof Outcome.Accepted a) {
        out.println(
            r.duplicate()
                ? duplicateLine(a.measurement(), r.source())
                : measurementLine(a.measurement(), r.source()));
      } else {
        Outcome.Rejected rejected = (Outcome.Rejected) r.outcome();
        out.println(rejectedLine(rejected.stage(), rejected.rejection(), r.source()));
      }
    }
    out.flush();
    return 0;
  }

  static String measurementLine(Measurement m, String source) {
    ObjectNode o = OUT.createObjectNode();
    o.put("kind", "measurement");
    o.put("id", m.id().toString());
    o.put("device", m.device().value());
    ObjectNode metric = o.putObject("metric");
    metric.put("mdc", m.metric().mdc());
    metric.put("refid", m.metric().refId());
    if (m.metric().loinc() != null) {
      metric.put("loinc", m.metric().loinc());
    } else {
      metric.putNull("loinc");
    }
    if (m.value() instanceof Value.Quantity q) {
      o.put("value", q.number());
      o.put("unit", q.unit());
    } else {
      o.put("value", m.value().canonicalKey());
    }
    o.put("observedAt", m.observedAt().toString());
    ArrayNode flags = o.putArray("flags");
    for (MeasurementFlag f : MeasurementFlag.values()) {
      if (m.flags().contains(f)) {
        flags.add(f.code());
      }
    }
    if (m.location() != null) {
      o.put("location", m.location());
    }
    o.put("mapping", m.provenance().mapping());
    if (m.status() != MeasurementStatus.FINAL) {
      // Only HL7 results carry another status (OBX-11); template payloads are always final.
      o.put("status", m.status().code());
    }
    o.put("source", source);
    return line(o);
  }

  private static String line(ObjectNode o) {
    try {
      return OUT.writeValueAsString(o);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize an outcome line", e);
    }
  }

  static String duplicateLine(Measurement m, String source) {
    ObjectNode o = OUT.createObjectNode();
    o.put("kind", "duplicate");
    o.put("id", m.id().toString());
    o.put("source", source);
    return line(o);
  }

  static String rejectedLine(String stage, Rejection r, String source) {
    ObjectNode o = OUT.createObjectNode();
    o.put("kind", "rejected");
    o.put("reason", r.reason().code());
    if (r.field() != null) {
      o.put("field", r.field());
    } else {
      o.putNull("field");
    }
    o.put("detail", r.detail());
    o.put("stage", stage);
    o.put("source", source);
    return line(o);
  }
}
