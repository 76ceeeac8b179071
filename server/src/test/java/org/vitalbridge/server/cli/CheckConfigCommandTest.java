package org.vitalbridge.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckConfigCommandTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(exit, out.toString(), err.toString());
  }

  private Path config(String yaml) throws IOException {
    return Files.writeString(dir.resolve("vb.yaml"), yaml);
  }

  @Test
  void aValidConfigurationIsOneOkLineAndNothingIsOpenedOrBound() throws IOException {
    Path db = dir.resolve("data/vb.db");
    Path file =
        config(
            "store:\n  sqliteFile: "
                + db
                + "\ntemplates: "
                + ROOT.resolve("config/templates")
                + "\nharmonizer:\n  defaultZone: Europe/Berlin\n");

    Run r = run("check-config", "--config", file.toString());

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out().lines())
        .singleElement()
        .asString()
        .startsWith("OK " + file + ": store sqlite " + db)
        .containsPattern("; [1-9][0-9]* templates; http 127.0.0.1:8080; mllp 127.0.0.1:2575;")
        .contains("mqtt embedded 127.0.0.1:1883")
        .contains("logging text");
    // The store is not opened: no database file, no lock file, not even the directory.
    assertThat(dir.resolve("data")).doesNotExist();
  }

  @Test
  void theDocumentedExampleAndTheEmbeddedDefaultsPass() {
    assertThat(run("check-config", "--config", ROOT.resolve("config/vitalbridge.yaml").toString()))
        .satisfies(r -> assertThat(r.exit()).as(r.err()).isZero());
    assertThat(run("check-config").out()).startsWith("OK embedded defaults: ");
  }

  @Test
  void everyProblemIsReportedAtOnceWithFileAndKeyNeverAStackTrace() throws IOException {
    Path templates = Files.createDirectory(dir.resolve("templates"));
    Files.writeString(templates.resolve("broken.yaml"), "id: broken\nthis is: [not a template\n");
    Path file =
        config(
            "templates: "
                + templates
                + "\nharmonizer:\n  defaultZone: Mars/Olympus\n  deviceZones: {ACME-1: Nowhere/Land}\n"
                + "hl7:\n  unassociated: keep\n  mllp:\n    defaultCharset: NOPE-8\n"
                + "fhir:\n  enabled: true\n  mode: sometimes\n"
                + "mqtt:\n  retryInterval: PT0S\n"
                + "devices:\n  serial:\n    - {port: /dev/ttyS9, protocol: morse}\n"
                + "    - {port: /dev/ttyS8, protocol: oximeter-spo2-hr, baud: fast}\n"
                + "  phd: {enabled: true, zone: Atlantis/Deep}\n"
                + "logging:\n  format: xml\n");

    Run r = run("check-config", "--config", file.toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    // One line per problem; a template error lists its files on indented lines below.
    assertThat(r.err().lines())
        .allSatisfy(
            l ->
                assertThat(l).matches("(" + java.util.regex.Pattern.quote(file + ": ") + "|  ).*"));
    assertThat(r.err())
        .contains("broken.yaml")
        .contains("harmonizer.defaultZone: unknown zone 'Mars/Olympus'")
        .contains("harmonizer.deviceZones.ACME-1: unknown zone 'Nowhere/Land'")
        .contains("hl7.unassociated")
        .contains("hl7.mllp.defaultCharset")
        .contains("fhir.mode")
        .contains("mqtt.retryInterval")
        .contains("logging.format: must be text or json, not 'xml'")
        .contains("devices.serial[0].protocol: unknown line protocol 'morse'")
        .contains("devices.serial[1]: ")
        .contains("serial.baud")
        .contains("devices.phd.zone: unknown zone 'Atlantis/Deep'")
        .doesNotContain("\tat ")
        .doesNotContain("Exception");
  }

  @Test
  void anUnknownKeyNamesTheFileTheKeyAndTheKnownOnes() throws IOException {
    Path file = config("http:\n  prot: 9000\n");

    Run r = run("check-config", "--config", file.toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .startsWith(file + ": http.prot: unknown key (known here: ")
        .contains("maxPayloadBytes, port, streamQueueSize")
        .doesNotContain("\tat ");
  }

  @Test
  void aMissingFileIsAnErrorNotAStackTrace() {
    Run r = run("check-config", "--config", dir.resolve("nope.yaml").toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("nope.yaml: cannot read").doesNotContain("\tat ");
  }
}
