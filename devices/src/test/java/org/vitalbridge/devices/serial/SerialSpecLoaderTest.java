package org.vitalbridge.devices.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.core.ConfigurationException;
import org.vitalbridge.core.mapping.MappingResult;

class SerialSpecLoaderTest {
  static final String MINIMAL =
      """
      name: acme-nibp
      values:
        - {tag: SYS, label: MDC_PRESS_BLD_NONINV_SYS, unit: "mm[Hg]"}
      """;

  static LineSpec load(String yaml) {
    return LineSpecLoader.load(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test.yaml");
  }

  @Test
  void defaults() {
    LineSpec spec = load(MINIMAL);
    assertThat(spec.version()).isEqualTo(1);
    assertThat(spec.separators()).isEqualTo(" \t");
    assertThat(spec.assign()).isEqualTo("=");
    assertThat(spec.noValue().matcher("--.--").matches()).isTrue();
    assertThat(spec.noValue().matcher("+--").matches()).isTrue();
    assertThat(spec.noValue().matcher("0.5").matches()).isFalse();
    assertThat(spec.time()).isNull();
  }

  @Test
  void unknownKeyIsNamed() {
    assertThatThrownBy(() -> load(MINIMAL + "separator: \",\"\n"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("test.yaml")
        .hasMessageContaining("unknown key 'separator'")
        .hasMessageContaining("separators");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    String bad =
        """
        name: Bad Name
        time: {pattern: "MM/dd/yy qqqqqq HH"}
        values:
          - {tag: "1X", label: MDC_X, unit: "%", width: -1, colour: red}
        status:
          - tag: EXC
            radix: 7
            bits:
              - {mask: "0xZZ", meaning: m, effect: loud, appliesTo: [NOPE]}
        """;
    assertThatThrownBy(() -> load(bad))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'name'")
        .hasMessageContaining("'time.pattern'")
        .hasMessageContaining("'values[0].tag'")
        .hasMessageContaining("'values[0].width'")
        .hasMessageContaining("unknown key 'colour' in values[0]")
        .hasMessageContaining("'status[0].radix'")
        .hasMessageContaining("'status[0].bits[0].mask'")
        .hasMessageContaining("'status[0].bits[0].effect'")
        .hasMessageContaining("'status[0].bits[0].appliesTo'");
  }

  @Test
  void requiredKeysAreNamed() {
    assertThatThrownBy(() -> load("name: x\n"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'values'");
    assertThatThrownBy(() -> load("values: []\n"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'name' is required");
    assertThatThrownBy(() -> load(": : :\n  - ["))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("test.yaml");
  }

  @Test
  void operatorSpecFilesAreConfiguredNotCoded(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("acme.yaml");
    Files.writeString(
        file,
        """
        name: acme-nibp
        separators: ",;"
        assign: ":"
        time: {tag: T, pattern: "yyyy-MM-dd'T'HH:mm"}
        values:
          - {tag: SYS, label: MDC_PRESS_BLD_NONINV_SYS, unit: "mm[Hg]"}
          - {tag: DIA, label: MDC_PRESS_BLD_NONINV_DIA, unit: "mm[Hg]"}
        status:
          - tag: ST
            radix: 2
            bits: [{mask: 1, meaning: cuff motion, effect: questionable, appliesTo: [SYS]}]
        """);
    SerialProtocols protocols = SerialProtocols.withFiles(List.of(file));
    assertThat(protocols.names()).contains("acme-nibp", "oximeter-spo2-hr");
    MappingResult.Mapped m =
        (MappingResult.Mapped)
            protocols
                .decode("acme-nibp", "N-1", List.of("T:2026-01-02T03:04;SYS:120,DIA:080;ST:01"))
                .get(0)
                .result();
    assertThat(m.readings()).hasSize(2);
    assertThat(m.readings().get(0).timestamp()).isEqualTo("2026-01-02T03:04");
    assertThat(m.readings().get(0).deviceFlags()).isNotEmpty();
    assertThat(m.readings().get(1).deviceFlags()).isEmpty();
  }

  @Test
  void aFileMayNotReuseAShippedName(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("dup.yaml");
    Files.writeString(file, MINIMAL.replace("acme-nibp", "oximeter-spo2-hr"));
    assertThatThrownBy(() -> SerialProtocols.withFiles(List.of(file)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("already a serial protocol");
  }
}
