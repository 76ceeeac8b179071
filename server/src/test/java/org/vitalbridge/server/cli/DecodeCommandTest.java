package org.vitalbridge.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecodeCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private record Run(int exit, List<JsonNode> lines, String err) {
    List<JsonNode> kind(String kind) {
      return lines.stream().filter(l -> l.get("kind").asText().equals(kind)).toList();
    }
  }

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

  private Path file(String name, String content) throws IOException {
    return Files.writeString(tmp.resolve(name), content, StandardCharsets.UTF_8);
  }

  @Test
  void aBloodPressureValueInKilopascalWithADeviceTimeIsReadInTheGivenZone() throws IOException {
    // kPa, time stamp, pulse: 24.1 / 16.0 / 20.0 kPa at 2026-11-24 05:15 device time, pulse 72.
    Path hex = file("bp.hex", "07 F1 F0 A0 F0 C8 F0 EA 07 0B 18 05 0F 00 48 00\n");
    Run r =
        run(
            "decode",
            "--format",
            "ble",
            "--uuid",
            "2A35",
            "--zone",
            "America/New_York",
            "--device",
            "cuff-1",
            hex.toString());

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.kind("measurement"))
        .extracting(l -> l.at("/metric/refid").asText() + " " + l.get("unit").asText())
        .containsExactlyInAnyOrder(
            "MDC_PRESS_BLD_NONINV_SYS mm[Hg]",
            "MDC_PRESS_BLD_NONINV_DIA mm[Hg]",
            "MDC_PRESS_BLD_NONINV_MEAN mm[Hg]",
            "MDC_PULS_RATE_NON_INV /min");
    assertThat(r.kind("measurement"))
        .allSatisfy(
            l -> {
              assertThat(l.get("observedAt").asText()).isEqualTo("2026-11-24T10:15:00Z");
              assertThat(l.get("device").asText()).isEqualTo("cuff-1");
            });
  }

  @Test
  void specialValuesAreRejectedWithTheirReasonNeverNumbers() throws IOException {
    Path hex = file("nan.hex", "00 FF 07 00 08 FE 07\n");
    Run r = run("decode", "--format", "ble", "--uuid", "0x2A35", hex.toString());

    assertThat(r.exit()).isZero();
    assertThat(r.kind("measurement")).isEmpty();
    assertThat(r.kind("rejected"))
        .extracting(l -> l.get("reason").asText())
        .containsOnly("no-value")
        .hasSize(3);
  }

  @Test
  void anIeee11073AssociationPrintsItsMeasurementsAndTheManagersReplies() throws IOException {
    Path aarq =
        file(
            "1-aarq.hex",
            "E2 00 00 32 80 00 00 00 00 01 00 2A 50 79 00 26 80 00 00 00 A0 00 80 00 00 00 00 00"
                + " 00 00 00 80 00 00 00 08 11 22 33 44 55 66 77 88 01 90 00 01 01 00 00 00 00"
                + " 00\n");
    Path report =
        file(
            "2-report.hex",
            "E7 00 00 36 00 34 12 36 01 01 00 2E 00 00 00 00 00 00 0D 1D 00 24 F0 00 00 00 00 02"
                + " 00 1C 00 01 00 0A 00 61 20 07 12 06 12 10 00 00 00 0A 00 0A 00 48 20 07 12 06"
                + " 12 10 00 00\nE4 00 00 02 00 00\n");
    Run r =
        run(
            "decode",
            "--format",
            "phd",
            "--zone",
            "Europe/Berlin",
            aarq.toString(),
            report.toString());

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.kind("measurement"))
        .extracting(
            l ->
                l.at("/metric/refid").asText()
                    + " "
                    + l.get("value").asText()
                    + " "
                    + l.get("observedAt").asText())
        .containsExactlyInAnyOrder(
            "MDC_PULS_OXIM_SAT_O2 97 2007-12-06T11:10:00Z",
            "MDC_PULS_OXIM_PULS_RATE 72 2007-12-06T11:10:00Z");
    assertThat(r.kind("reply"))
        .extracting(l -> l.get("hex").asText().substring(0, 5))
        .containsExactly("E3 00", "E7 00", "E5 00");
  }

  @Test
  void serialLinesGiveMeasurementsStatusAndNoValueRejections() throws IOException {
    Path lines =
        file(
            "rad8.txt",
            "02/24/18 04:48:53 SN=0000145838 SPO2=097% BPM=080 PI=04.96% SPCO=--.-% SPMET=--.-%"
                + " DESAT=-- PIDELTA=+-- ALARM=0000 EXC=000400\n"
                + "02/24/18 04:48:54 SN=0000145838 SPO2=---% BPM=---"
                + " PI=--.--% SPCO=--.-% SPMET=--.-% DESAT=-- PIDELTA=+-- ALARM=0000 EXC=000001\n");
    Run r =
        run(
            "decode",
            "--format",
            "serial",
            "--protocol",
            "oximeter-tagged-ascii",
            "--zone",
            "UTC",
            lines.toString());

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.kind("measurement"))
        .extracting(l -> l.at("/metric/refid").asText())
        .containsExactlyInAnyOrder(
            "MDC_PULS_OXIM_SAT_O2", "MDC_PULS_OXIM_PULS_RATE", "MDC_BLD_PERF_INDEX");
    assertThat(r.kind("measurement"))
        .allSatisfy(l -> assertThat(l.get("flags").toString()).contains("questionable"));
    assertThat(r.kind("status")).hasSize(1);
    assertThat(r.kind("rejected")).extracting(l -> l.get("reason").asText()).contains("no-value");
  }

  @Test
  void usageErrorsExitTwo() throws IOException {
    Path hex = file("x.hex", "00");
    assertThat(run("decode", "--format", "ble", hex.toString()).exit()).isEqualTo(2);
    assertThat(run("decode", "--format", "serial", "--protocol", "nope", hex.toString()).exit())
        .isEqualTo(2);
    assertThat(run("decode", "--format", "morse", hex.toString()).exit()).isEqualTo(2);
    assertThat(run("decode", "--format", "ble", "--uuid", "2A35", "missing.hex").exit())
        .isEqualTo(2);
  }
}
