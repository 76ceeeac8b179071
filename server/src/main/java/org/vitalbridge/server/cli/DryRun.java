package org.vitalbridge.server.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.vitalbridge.core.ConfigurationException;
import org.vitalbridge.core.harmonize.DedupFilter;
import org.vitalbridge.core.harmonize.Harmonizer;
import org.vitalbridge.core.harmonize.HarmonizerSettings;
import org.vitalbridge.core.mapping.TemplateLoader;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;
import org.vitalbridge.core.pipeline.JsonTemplateDecoder;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.core.pipeline.Outcome;
import org.vitalbridge.core.terminology.Terminology;
import org.vitalbridge.core.terminology.TerminologyLoader;
import org.vitalbridge.core.units.UnitResolver;

/**
 * Runs payload files through the same decode + harmonize code as the server, in memory, and hands
 * each outcome with its source ({@code FILE:LINE}) and whether it repeats an earlier event.
 */
final class DryRun {
  /** One outcome of one payload. */
  record Result(String source, Outcome outcome, boolean duplicate) {}

  private final MessageProcessor processor;
  private final JsonTemplateDecoder decoder;
  private final Terminology terminology;
  private final Clock clock;

  private DryRun(
      MessageProcessor processor,
      JsonTemplateDecoder decoder,
      Terminology terminology,
      Clock clock) {
    this.processor = processor;
    this.decoder = decoder;
    this.terminology = terminology;
    this.clock = clock;
  }

  /** Builds the dry run, or reports a usage/configuration error on {@code err} and returns null. */
  static DryRun prepare(MappingOptions o, PrintWriter err, Clock clock) {
    ZoneId defaultZone;
    try {
      defaultZone = o.zone == null ? null : ZoneId.of(o.zone);
    } catch (DateTimeException e) {
      err.println("unknown zone '" + o.zone + "': use an IANA zone id such as Europe/Berlin");
      return null;
    }
    for (Path f : o.files) {
      if (!Files.isReadable(f)) {
        err.println(f + ": no such readable file");
        return null;
      }
    }
    try {
      JsonTemplateDecoder decoder =
          new JsonTemplateDecoder(TemplateLoader.loadDirectory(o.templates));
      Terminology terminology = TerminologyLoader.load(o.terminology);
      Harmonizer harmonizer = harmonizer(terminology, defaultZone, o.futureTolerance);
      return new DryRun(
          new MessageProcessor(List.of(decoder), harmonizer), decoder, terminology, clock);
    } catch (ConfigurationException e) {
      err.println(e.getMessage());
      return null;
    }
  }

  /** The harmonizer every dry run uses: shipped units, no per-device zones. */
  static Harmonizer harmonizer(Terminology terminology, ZoneId defaultZone, Duration tolerance) {
    return new Harmonizer(
        terminology,
        UnitResolver.shipped(),
        new HarmonizerSettings(tolerance, defaultZone, Map.of()));
  }

  Terminology terminology() {
    return terminology;
  }

  List<Result> run(List<Path> files) throws IOException {
    DedupFilter dedup = new DedupFilter(1_000_000);
    List<Result> results = new ArrayList<>();
    for (Path file : files) {
      for (PayloadFile.Payload p : PayloadFile.read(file)) {
        String source = file + ":" + p.line();
        if (p.json() == null) {
          results.add(
              new Result(
                  source,
                  new Outcome.Rejected(
                      MessageProcessor.STAGE_DECODE,
                      new Rejection(RejectionReason.MALFORMED_PAYLOAD, null, p.error())),
                  false));
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
          boolean duplicate =
              o instanceof Outcome.Accepted a && !dedup.firstSighting(a.measurement().id());
          results.add(new Result(source, o, duplicate));
        }
      }
    }
    return results;
  }
}
