package org.vitalbridge.server.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.vitalbridge.core.ConfigurationException;
import org.vitalbridge.core.harmonize.DedupFilter;
import org.vitalbridge.core.harmonize.Harmonizer;
import org.vitalbridge.core.harmonize.HarmonizerSettings;
import org.vitalbridge.core.mapping.TemplateLoader;
import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.core.model.MeasurementFlag;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.Value;
import org.vitalbridge.core.pipeline.JsonTemplateDecoder;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.core.pipeline.Outcome;
import org.vitalbridge.core.terminology.TerminologyLoader;
import org.vitalbridge.core.units.UcumUnits;
import org.vitalbridge.core.units.UnitAliases;
import org.vitalbridge.core.units.UnitResolver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
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

  @Option(
      names = "--templates",
      required = true,
      paramLabel = "DIR",
      description = "Directory of mapping templates (*.yaml).")
  Path templates;

  @Option(
      names = "--zone",
      paramLabel = "IANA_ZONE",
      description = "Zone for local times without an offset (e.g. Europe/Berlin).")
  String zone;

  @Option(
      names = "--terminology",
      paramLabel = "FILE",
      description = "Terminology override file(s) extending or changing the shipped metrics.")
  List<Path> terminology = new ArrayList<>();

  @Option(
      names = "--future-tolerance",
      paramLabel = "DURATION",
      defaultValue = "PT5M",
      description =
          "Clock-skew tolerance before a timestamp is flagged future (ISO-8601, default PT5M).")
  Duration futureTolerance;

  @Parameters(paramLabel = "FILE", arity = "1..*", description = "Payload files (JSON or NDJSON).")
  List<Path> files;

  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    ZoneId defaultZone;
    try {
      defaultZone = zone == null ? null : ZoneId.of(zone);
    } catch (java.time.DateTimeException e) {
      err.println("unknown zone '" + zone + "': use an IANA zone id such as Europe/Berlin");
      return 2;
    }
    for (Path f : files) {
      if (!Files.isReadable(f)) {
        err.println(f + ": no such readable file");
        return 2;
      }
    }
    MessageProcessor processor;
    JsonTemplateDecoder decoder;
    try {
      decoder = new JsonTemplateDecoder(TemplateLoader.loadDirectory(templates));
      Harmonizer harmonizer =
          new Harmonizer(
              TerminologyLoader.load(terminology),
              new UnitResolver(UnitAliases.shipped(), UcumUnits.load()),
              new HarmonizerSettings(futureTolerance, defaultZone, java.util.Map.of()));
      processor = new MessageProcessor(List.of(decoder), harmonizer);
    } catch (ConfigurationException e) {
      err.println(e.getMessage());
      return 2;
    }
    DedupFilter dedup = new DedupFilter(1_000_000);
    PrintWriter out = spec.commandLine().getOut();
    for (Path file : files) {
      for (PayloadFile.Payload p : PayloadFile.read(file)) {
        String source = file + ":" + p.line();
        if (p.json() == null) {
          out.println(
              rejected(
                  "decode",
                  new Rejection(
                      org.vitalbridge.core.model.RejectionReason.MALFORMED_PAYLOAD,
                      null,
                      p.error()),
                  source));
          continue;
        }
        Instant now = clock.instant();
        RawMessage raw =
            new RawMessage(
                source,
                p.json().toString().getBytes(StandardCharsets.UTF_8),
                "application/json",
                "cli",
                file.toString(),
                null,
                now);
        for (Outcome o : processor.harmonize(decoder.decode(p.json()), raw)) {
          if (o instanceof Outcome.Accepted a) {
            Measurement m = a.measurement();
            out.println(
                dedup.firstSighting(m.id()) ? measurement(m, source) : duplicate(m, source));
          } else {
            Outcome.Rejected r = (Outcome.Rejected) o;
            out.println(rejected(r.stage(), r.rejection(), source));
          }
        }
      }
    }
    out.flush();
    return 0;
  }

  private static String measurement(Measurement m, String source) {
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

  private static String duplicate(Measurement m, String source) {
    ObjectNode o = OUT.createObjectNode();
    o.put("kind", "duplicate");
    o.put("id", m.id().toString());
    o.put("source", source);
    return line(o);
  }

  private static String rejected(String stage, Rejection r, String source) {
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
