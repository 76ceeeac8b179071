package org.vitalbridge.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NormalizeCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  private record Run(int exit, List<JsonNode> lines, String err) {}

  private static Run run(String... args) throws IOException {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    List<JsonNode> lines = new ArrayList<>();
    for (String line : out.toString().split("\n")) {
      if (!line.isBlank()) {
        lines.add(JSON.readTree(line));
      }
    }
    return new Run(exit, lines, err.toString());
  }

  private static String templates() {
    return ROOT.resolve("config/templates").toString();
  }

  @Test
  void flatPayloadGivesOneMeasurementPerFieldInCanonicalUnits() throws IOException {
    Run r =
        run(
            "normalize",
            "--templates",
            templates(),
            ROOT.resolve("examples/acme-bedside.json").toString());

    assertThat(r.exit()).isZero();
    assertThat(r.lines())
        .hasSize(6)
        .allSatisfy(l -> assertThat(l.get("kind").asText()).isEqualTo("measurement"));
    JsonNode temp =
        r.lines().stream()
            .filter(l -> l.at("/metric/mdc").asInt() == 150364)
            .findFirst()
            .orElseThrow();
    assertThat(temp.get("value").decimalValue()).isEqualByComparingTo("37");
    assertThat(temp.get("unit").asText()).isEqualTo("Cel");
    assertThat(temp.at("/metric/loinc").asText()).isEqualTo("8310-5");
    assertThat(temp.get("observedAt").asText()).isEqualTo("2026-11-24T10:15:00Z");
    JsonNode sys =
        r.lines().stream()
            .filter(l -> l.at("/metric/mdc").asInt() == 150021)
            .findFirst()
            .orElseThrow();
    assertThat(sys.get("value").toString()).isEqualTo("120");
  }

  @Test
  void ndjsonReportsDuplicatesRejectionsAndMalformedLinesWithTheirLineNumbers() throws IOException {
    String file = ROOT.resolve("examples/nova-wearable.ndjson").toString();
    Run r = run("normalize", "--templates", templates(), file);

    assertThat(r.exit()).isZero();
    assertThat(r.lines())
        .anySatisfy(
            l -> {
              assertThat(l.get("kind").asText()).isEqualTo("duplicate");
              assertThat(l.get("source").asText()).isEqualTo(file + ":2");
            });
    assertThat(r.lines())
        .anySatisfy(
            l -> {
              assertThat(l.path("reason").asText()).isEqualTo("out-of-range");
              assertThat(l.path("field").asText()).isEqualTo("$.observations[0].value");
              assertThat(l.path("detail").asText()).contains("101");
            });
    assertThat(r.lines())
        .anySatisfy(
            l -> {
              assertThat(l.path("reason").asText()).isEqualTo("malformed-payload");
              assertThat(l.get("source").asText()).isEqualTo(file + ":5");
            });
    assertThat(r.lines())
        .anySatisfy(l -> assertThat(l.path("reason").asText()).isEqualTo("not-numeric"));
  }

  @Test
  void nestedLocalTimeTemplateResolvesTheZoneAndConvertsUnits() throws IOException {
    Run r =
        run(
            "normalize",
            "--templates",
            templates(),
            ROOT.resolve("examples/zen-gateway.json").toString());

    assertThat(r.exit()).isZero();
    JsonNode glucose =
        r.lines().stream()
            .filter(l -> l.at("/metric/mdc").asInt() == 160184)
            .findFirst()
            .orElseThrow();
    assertThat(glucose.get("unit").asText()).isEqualTo("mg/dL");
    assertThat(glucose.get("value").decimalValue().doubleValue())
        .isCloseTo(99.09, org.assertj.core.data.Offset.offset(0.01));
    assertThat(glucose.get("observedAt").asText()).isEqualTo("2026-11-24T09:15:00Z");
    assertThat(glucose.get("device").asText()).isEqualTo("ZX-GLU-1");
  }

  @Test
  void templateErrorsExitTwoWithFileAndLine(@TempDir Path dir) throws IOException {
    Files.writeString(
        dir.resolve("bad.yaml"),
        "template: bad\nmatch:\n  path: $.x\ndevice: $.d\nmeasurements:\n  - lable: hr\n    value: $.[\n");
    Path payload = Files.writeString(dir.resolve("p.json"), "{}");

    Run r = run("normalize", "--templates", dir.toString(), payload.toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("bad.yaml:6:").contains("lable").contains("bad.yaml:7:");
    assertThat(r.lines()).isEmpty();
  }

  @Test
  void usageErrorsExitTwo() throws IOException {
    assertThat(run("normalize").exit()).isEqualTo(2);
    assertThat(run("normalize", "--templates", templates(), "/no/such/file.json").exit())
        .isEqualTo(2);
    assertThat(
            run(
                    "normalize",
                    "--templates",
                    templates(),
                    "--zone",
                    "Mars/Olympus",
                    ROOT.resolve("examples/acme-bedside.json").toString())
                .exit())
        .isEqualTo(2);
  }

  @Test
  void localTimeWithoutAnyZoneIsRejectedNotGuessed(@TempDir Path dir) throws IOException {
    Files.writeString(
        dir.resolve("t.yaml"),
        "template: t\ndevice: $.d\ntimestamp: { path: $.t, format: local }\nmeasurements:\n  - label: SpO2\n    value: $.v\n    unit: '%'\n");
    Path payload =
        Files.writeString(
            dir.resolve("p.json"), "{\"d\":\"X\",\"t\":\"2026-11-24T10:00:00\",\"v\":97}");

    Run without = run("normalize", "--templates", dir.toString(), payload.toString());
    Run with =
        run(
            "normalize",
            "--templates",
            dir.toString(),
            "--zone",
            "America/New_York",
            payload.toString());

    assertThat(without.lines().get(0).get("reason").asText()).isEqualTo("bad-timestamp");
    assertThat(with.lines().get(0).get("observedAt").asText()).isEqualTo("2026-11-24T15:00:00Z");
  }
}
