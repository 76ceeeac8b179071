package org.vitalbridge.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running {@link CrashIngestMain} with this JVM's java and class path. Its stdout lines
 * are collected as they arrive; stderr goes to a file shown in failure messages.
 */
final class ChildJvm implements AutoCloseable {
  private final Process process;
  private final Path stderr;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private ChildJvm(Process process, Path stderr) {
    this.process = process;
    this.stderr = stderr;
    this.reader = new Thread(this::read, "child-stdout-" + process.pid());
    this.reader.setDaemon(true);
    this.reader.start();
  }

  static ChildJvm start(Path workDir, List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(CrashIngestMain.class.getName());
    command.addAll(args);
    Path err = Files.createTempFile(workDir, "child-", ".stderr");
    Process p =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
    return new ChildJvm(p, err);
  }

  private void read() {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        lines.add(line);
      }
    } catch (IOException e) {
      lines.add("READ-ERROR " + e);
    }
  }

  Process process() {
    return process;
  }

  List<String> lines() {
    return lines;
  }

  /** Waits until stdout is closed (the process ended) and everything it wrote has been read. */
  void awaitOutputEnd(Duration timeout) throws InterruptedException {
    reader.join(timeout.toMillis());
    assertThat(reader.isAlive()).as("child stdout still open").isFalse();
  }

  String stderr() {
    try {
      String s = Files.readString(stderr, StandardCharsets.UTF_8);
      return s.length() > 4000 ? "…" + s.substring(s.length() - 4000) : s;
    } catch (IOException e) {
      return "(stderr unreadable: " + e + ")";
    }
  }

  /** What to show when an assertion about the child fails. */
  String describe() {
    List<String> tail = lines.subList(Math.max(0, lines.size() - 5), lines.size());
    return "child pid "
        + process.pid()
        + (process.isAlive() ? " running" : " exited " + process.exitValue())
        + ", last stdout "
        + tail
        + ", stderr:\n"
        + stderr();
  }

  /** Sends SIGKILL (on Linux) and waits until the process is gone. */
  void kill() throws InterruptedException {
    assertThat(process.isAlive())
        .as("child still running before the kill: %s", describe())
        .isTrue();
    process.destroyForcibly();
    assertThat(process.waitFor(15, TimeUnit.SECONDS)).as("child gone after SIGKILL").isTrue();
    if (System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")) {
      assertThat(process.exitValue()).as("exit status of a SIGKILLed process").isEqualTo(128 + 9);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(15, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
