package org.vitalbridge.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Hl7CommandTest {
  private static final Path FIXTURES =
      Path.of("..", "hl7v2", "src", "test", "resources", "pcd01").toAbsolutePath().normalize();

  @Test
  void printsOutcomesAndOneAckPerMessageAndReAcknowledgesAResend(@TempDir Path dir)
      throws Exception {
    Path orm = dir.resolve("orm-o01.hl7");
    Files.writeString(
        orm,
        Files.readString(FIXTURES.resolve("oru-mixed.hl7"))
            .replace("ORU^R01^ORU_R01|MSG0001", "ORM^O01^ORM_O01|ORM0001"));
    StringWriter out = new StringWriter();
    int exit =
        Main.execute(
            new PrintWriter(out, true),
            new PrintWriter(new StringWriter(), true),
            "hl7",
            FIXTURES.resolve("oru-mixed.hl7").toString(),
            FIXTURES.resolve("oru-mixed.hl7").toString(),
            orm.toString());

    assertThat(exit).isZero();
    List<JsonNode> lines = new ArrayList<>();
    for (String l : out.toString().split("\n")) {
      lines.add(new ObjectMapper().readTree(l));
    }
    assertThat(lines.stream().filter(l -> l.get("kind").asText().equals("measurement"))).hasSize(3);
    List<JsonNode> acks = lines.stream().filter(l -> l.get("kind").asText().equals("ack")).toList();
    assertThat(acks).extracting(a -> a.get("code").asText()).containsExactly("AE", "AE", "AR");
    assertThat(acks.get(0).at("/errors/0/location").asText()).isEqualTo("OBX^5^5");
    assertThat(acks.get(0).at("/errors/0/code").asText()).isEqualTo("102");
    assertThat(acks.get(0).get("hl7").asText()).contains("MSA|AE|MSG0001");
    assertThat(acks.get(2).at("/errors/0/code").asText()).isEqualTo("200");
  }

  @Test
  void aLaterStatusOfTheSameObservationIsPrintedAsAMeasurementAndARepeatAsADuplicate(
      @TempDir Path dir) throws Exception {
    String unverified = Files.readString(FIXTURES.resolve("oru-mixed.hl7"));
    Path finalResult = dir.resolve("final.hl7");
    Files.writeString(
        finalResult, unverified.replace("|R|||", "|F|||").replace("|MSG0001|", "|MSG0002|"));
    Path repeated = dir.resolve("final-again.hl7");
    Files.writeString(
        repeated, unverified.replace("|R|||", "|F|||").replace("|MSG0001|", "|MSG0003|"));
    StringWriter out = new StringWriter();
    int exit =
        Main.execute(
            new PrintWriter(out, true),
            new PrintWriter(new StringWriter(), true),
            "hl7",
            FIXTURES.resolve("oru-mixed.hl7").toString(),
            finalResult.toString(),
            repeated.toString());

    assertThat(exit).isZero();
    List<JsonNode> lines = new ArrayList<>();
    for (String l : out.toString().split("\n")) {
      lines.add(new ObjectMapper().readTree(l));
    }
    List<JsonNode> measurements =
        lines.stream().filter(l -> l.get("kind").asText().equals("measurement")).toList();
    assertThat(measurements).hasSize(6);
    assertThat(measurements.subList(0, 3))
        .allSatisfy(m -> assertThat(m.get("status").asText()).isEqualTo("preliminary"));
    assertThat(measurements.subList(3, 6)).allSatisfy(m -> assertThat(m.has("status")).isFalse());
    assertThat(measurements.subList(3, 6))
        .extracting(m -> m.get("id").asText())
        .containsExactlyElementsOf(
            measurements.subList(0, 3).stream().map(m -> m.get("id").asText()).toList());
    assertThat(lines.stream().filter(l -> l.get("kind").asText().equals("duplicate"))).hasSize(3);
  }

  @Test
  void missingFilesAreUsageErrors() {
    int exit =
        Main.execute(
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(new StringWriter(), true),
            "hl7",
            "/no/such/message.hl7");

    assertThat(exit).isEqualTo(2);
  }

  @Test
  void aFileInTheCharacterSetItsMsh18NamesIsReadInIt(@TempDir Path dir) throws Exception {
    Path latin1 = dir.resolve("latin1.hl7");
    String er7 =
        "MSH|^~\\&|GW^0012C1FFFE000001^EUI-64||||20261202120000+0000||ORU^R01^ORU_R01|L1|P|2.6"
            + "|||NE|AL||8859/1\r"
            + "PID|||P1^^^H^MR||M\u00fcller\r"
            + "PV1||I|S\u00fcd^301^1\r"
            + "OBR|1|A|B|182777000^monitoring of patient^SNOMED-CT|||20261202120000+0000\r"
            + "OBX|1|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.1.1.1|97|262688^MDC_DIM_PERCENT^MDC"
            + "|||||F|||20261202120000+0000\r";
    Files.write(latin1, er7.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    StringWriter out = new StringWriter();

    int exit =
        Main.execute(
            new PrintWriter(out, true),
            new PrintWriter(new StringWriter(), true),
            "hl7",
            latin1.toString());

    assertThat(exit).isZero();
    JsonNode measurement = new ObjectMapper().readTree(out.toString().split("\n")[0]);
    assertThat(measurement.get("kind").asText()).isEqualTo("measurement");
    assertThat(measurement.get("location").asText()).isEqualTo("S\u00fcd/301/1");
  }
}
