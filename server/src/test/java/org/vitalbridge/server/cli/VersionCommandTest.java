package org.vitalbridge.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VersionCommandTest {
  private static String[] run(int expectedExit, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    assertThat(exit).as(err.toString()).isEqualTo(expectedExit);
    return new String[] {out.toString(), err.toString()};
  }

  @Test
  void versionPrintsTheBuildVersionAndTheJavaRuntime() {
    String out = run(0, "version")[0];

    // The build stamps the Maven project version (resource filtering): never a placeholder.
    assertThat(out)
        .containsPattern("^VitalBridge \\d+\\.\\d+\\.\\d+[^\\n]*\\n")
        .doesNotContain("${")
        .doesNotContain("unknown")
        .contains("Java " + System.getProperty("java.version"));
    assertThat(run(0, "--version")[0]).isEqualTo(out);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"run", "normalize", "fhir", "hl7", "reprocess", "check-config", "version"})
  void everySubCommandHasHelp(String command) {
    assertThat(run(0, command, "--help")[0]).contains("Usage: vitalbridge " + command);
  }
}
