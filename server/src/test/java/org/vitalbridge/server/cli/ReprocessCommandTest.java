package org.vitalbridge.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.core.harmonize.Harmonizer;
import org.vitalbridge.core.harmonize.HarmonizerSettings;
import org.vitalbridge.core.mapping.TemplateLoader;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.pipeline.JsonTemplateDecoder;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.core.terminology.TerminologyLoader;
import org.vitalbridge.core.units.UnitResolver;
import org.vitalbridge.store.RetentionPolicy;
import org.vitalbridge.store.Store;
import org.vitalbridge.store.StoreConfig;

/**
 * {@code reprocess} against a store whose messages were quarantined for want of a template, then
 * reprocessed with the templates the configuration names.
 */
class ReprocessCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @TempDir Path dir;
  private Path db;
  private Path config;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(exit, out.toString(), err.toString());
  }

  private Store open(MessageProcessor processor) {
    return Store.open(
        StoreConfig.sqlite(db),
        processor,
        Clock.systemUTC(),
        new RetentionPolicy(null, null, 0, 0));
  }

  /** Journals {@code ids} of the ACME example with no template installed: each is quarantined. */
  @BeforeEach
  void quarantineTwoMessages() throws Exception {
    db = dir.resolve("vb.db");
    config =
        Files.writeString(
            dir.resolve("vb.yaml"),
            "store:\n  sqliteFile: "
                + db
                + "\ntemplates: "
                + ROOT.resolve("config/templates")
                + "\n");
    MessageProcessor noTemplates =
        new MessageProcessor(
            List.of(new JsonTemplateDecoder(TemplateLoader.loadFiles(List.of()))),
            new Harmonizer(
                TerminologyLoader.shipped(), UnitResolver.shipped(), HarmonizerSettings.DEFAULTS));
    byte[] payload = Files.readAllBytes(ROOT.resolve("examples/acme-bedside.json"));
    try (Store store = open(noTemplates)) {
      for (String id : List.of("raw-1", "raw-2")) {
        store
            .journal()
            .append(
                new RawMessage(
                    id, payload, "application/json", "http", "127.0.0.1", null, Instant.now()))
            .get();
      }
      store.pipeline().drain();
      assertThat(store.quarantine().openCount()).isEqualTo(2);
    }
  }

  private JsonNode report(Run r) throws IOException {
    assertThat(r.exit()).as(r.err()).isZero();
    return JSON.readTree(r.out());
  }

  @Test
  void reprocessesChosenMessagesThenEveryOpenOneOfAReason() throws Exception {
    JsonNode one = report(run("reprocess", "--config", config.toString(), "--id", "raw-1"));
    assertThat(one.get("messages").asLong()).isEqualTo(1);
    assertThat(one.get("nowAccepted").asLong()).isEqualTo(1);
    assertThat(one.get("stillRejected").asLong()).isZero();

    JsonNode otherReason =
        report(run("reprocess", "--config", config.toString(), "--reason", "out-of-range"));
    assertThat(otherReason.get("messages").asLong()).isZero();

    JsonNode rest =
        report(run("reprocess", "--config", config.toString(), "--reason", "no-template"));
    assertThat(rest.get("messages").asLong()).isEqualTo(1);
    assertThat(rest.get("nowAccepted").asLong()).isEqualTo(1);

    assertThat(
            report(run("reprocess", "--config", config.toString(), "--all"))
                .get("messages")
                .asLong())
        .isZero();
    try (Store store = open(ROOT_PROCESSOR)) {
      assertThat(store.quarantine().openCount()).isZero();
      assertThat(store.retention().usage().measurementCount()).isEqualTo(6);
    }
  }

  private static final MessageProcessor ROOT_PROCESSOR =
      new MessageProcessor(
          List.of(
              new JsonTemplateDecoder(
                  TemplateLoader.loadDirectory(ROOT.resolve("config/templates")))),
          new Harmonizer(
              TerminologyLoader.shipped(), UnitResolver.shipped(), HarmonizerSettings.DEFAULTS));

  @Test
  void allReprocessesEveryOpenRejection() throws Exception {
    JsonNode all = report(run("reprocess", "--config", config.toString(), "--all"));

    assertThat(all.get("messages").asLong()).isEqualTo(2);
    assertThat(all.get("nowAccepted").asLong()).isEqualTo(2);
  }

  @Test
  void unknownIdsReprocessNothing() {
    Run r = run("reprocess", "--config", config.toString(), "--id", "raw-1", "raw-404");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("raw-404").doesNotContain("\tat ");
  }

  @Test
  void refusesPolitelyWhileARunningEngineHoldsTheStore() {
    try (Store running = open(ROOT_PROCESSOR)) {
      Run r = run("reprocess", "--config", config.toString(), "--all");

      assertThat(r.exit()).isEqualTo(2);
      assertThat(r.err())
          .contains("in use by another VitalBridge process")
          .contains("POST /api/v1/rejections/reprocess")
          .doesNotContain("\tat ");
    }
  }

  @Test
  void exactlyOneSelectionIsRequired() {
    assertThat(run("reprocess", "--config", config.toString()).exit()).isEqualTo(2);
    assertThat(run("reprocess", "--all", "--reason", "no-template").exit()).isEqualTo(2);
  }
}
