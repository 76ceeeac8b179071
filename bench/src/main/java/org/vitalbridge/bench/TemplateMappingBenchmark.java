package org.vitalbridge.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import org.vitalbridge.core.harmonize.Harmonizer;
import org.vitalbridge.core.harmonize.HarmonizerSettings;
import org.vitalbridge.core.mapping.MappingResult;
import org.vitalbridge.core.mapping.TemplateLoader;
import org.vitalbridge.core.mapping.TemplateSet;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.pipeline.JsonTemplateDecoder;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.core.pipeline.Outcome;
import org.vitalbridge.core.terminology.TerminologyLoader;
import org.vitalbridge.core.units.UcumUnits;
import org.vitalbridge.core.units.UnitAliases;
import org.vitalbridge.core.units.UnitResolver;

/**
 * The full JSON path for one vendor payload: {@link MessageProcessor#process(RawMessage)} with
 * content type {@code application/json}, i.e. JSON parse, template match, JSONPath extraction and
 * harmonization of every reading the template yields. One operation is one payload, so {@link
 * #process} reports payloads/s.
 *
 * <p>Templates come from the directory named by the system property {@code vitalbridge.templates}
 * (default {@code config/templates}) and payloads from {@code vitalbridge.examples} (default {@code
 * examples}), both relative to the working directory: run from the repository root.
 *
 * <p>{@link #decodeOnly} runs the same payload through the JSON decoder alone (parse, match,
 * JSONPath; no harmonization) so the two costs can be told apart.
 */
@State(Scope.Thread)
public class TemplateMappingBenchmark {

  /** The example payloads, one per template shape. */
  public enum Payload {
    /** ACME bedside: one flat object, epoch-ms time, nested NIBP, temperature in degF. */
    ACME_FLAT("acme-bedside.json"),
    /** Nova wearable: an array of typed observations with ISO-8601 times (first NDJSON line). */
    NOVA_ARRAY("nova-wearable.ndjson"),
    /** Zen gateway: devices with readings keyed by label, local time in Europe/Berlin. */
    ZEN_NESTED("zen-gateway.json");

    final String file;

    Payload(String file) {
      this.file = file;
    }
  }

  @Param({"ACME_FLAT", "NOVA_ARRAY", "ZEN_NESTED"})
  public Payload payload;

  private MessageProcessor processor;
  private JsonTemplateDecoder decoder;
  private RawMessage message;

  @Setup
  public void setUp() {
    Path templates = directory("vitalbridge.templates", "config/templates");
    Path examples = directory("vitalbridge.examples", "examples");
    TemplateSet set = TemplateLoader.loadDirectory(templates);
    decoder = new JsonTemplateDecoder(set);
    Harmonizer harmonizer =
        new Harmonizer(
            TerminologyLoader.shipped(),
            new UnitResolver(UnitAliases.shipped(), UcumUnits.load()),
            // As `vitalbridge normalize` runs by default: 5 min skew tolerance, UTC for local times
            // without a zone (the Zen template names its own zone).
            new HarmonizerSettings(Duration.ofMinutes(5), ZoneOffset.UTC, Map.of()));
    processor = new MessageProcessor(List.of(decoder), harmonizer);
    message =
        new RawMessage(
            "bench-" + payload.name(),
            read(examples.resolve(payload.file)),
            "application/json",
            "bench",
            "127.0.0.1",
            null,
            HarmonizeBenchmark.RECEIVED_AT);
    check();
  }

  /** Fails fast unless the payload maps through its template and yields measurements. */
  private void check() {
    MappingResult mapped = decoder.decode(message);
    if (!(mapped instanceof MappingResult.Mapped m)) {
      throw new IllegalStateException(payload + " did not map: " + mapped);
    }
    List<Outcome> outcomes = processor.process(message);
    long accepted = outcomes.stream().filter(o -> o instanceof Outcome.Accepted).count();
    if (accepted == 0) {
      throw new IllegalStateException(payload + " yielded no measurement: " + outcomes);
    }
    System.out.printf(
        "%n# %s via %s: %d bytes, %d readings, %d accepted, %d rejected%n",
        payload,
        m.mapping(),
        message.size(),
        outcomes.size(),
        accepted,
        outcomes.size() - accepted);
  }

  private static Path directory(String property, String fallback) {
    Path dir = Path.of(System.getProperty(property, fallback)).toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException(
          dir + " is not a directory: run from the repository root or set -D" + property + "=DIR");
    }
    return dir;
  }

  /** The file's bytes; for NDJSON only the first line (one message). */
  private static byte[] read(Path file) {
    try {
      if (file.toString().endsWith(".ndjson")) {
        String first = Files.readAllLines(file, StandardCharsets.UTF_8).get(0);
        return first.getBytes(StandardCharsets.UTF_8);
      }
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public void process(Blackhole bh) {
    bh.consume(processor.process(message));
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public void decodeOnly(Blackhole bh) {
    bh.consume(decoder.decode(message));
  }
}
