package org.vitalbridge.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run} with a configuration that cannot start: stopped before anything opens or binds. */
class RunCommandTest {
  @TempDir Path dir;

  @Test
  void anInvalidConfigurationStopsStartUpWithFileKeyAndReasonNeverAStackTrace() throws Exception {
    Path db = dir.resolve("data/vb.db");
    Path file =
        Files.writeString(
            dir.resolve("vb.yaml"),
            "store:\n  backend: oracle\n  sqliteFile: "
                + db
                + "\nhttp:\n  port: 70000\nharmonizer:\n  defaultZone: Atlantis/Capital\n");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int exit =
        Main.execute(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            "run",
            "--config",
            file.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString().lines())
        .hasSizeGreaterThanOrEqualTo(3)
        .allSatisfy(l -> assertThat(l).startsWith(file + ": "));
    assertThat(err.toString())
        .contains("store backend must be sqlite or postgresql, not oracle")
        .contains("harmonizer.defaultZone: unknown zone 'Atlantis/Capital'")
        .contains("port")
        .doesNotContain("\tat ");
    assertThat(dir.resolve("data")).doesNotExist();
  }
}
