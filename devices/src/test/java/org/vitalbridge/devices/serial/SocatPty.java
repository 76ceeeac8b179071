package org.vitalbridge.devices.serial;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A pseudo-terminal pair from socat ({@code socat -d -d pty,raw,echo=0,link=A
 * pty,raw,echo=0,link=B}): the adapter opens one link as its serial port, the test writes device
 * output into the other. Killing socat is a pulled cable (both links vanish); starting it again on
 * the same links plugs it back in. When socat is not installed the tests are skipped with a visible
 * message, unless {@code CI=true}: then they fail.
 */
final class SocatPty implements AutoCloseable {
  private static Boolean available;

  final Path port;
  final Path device;
  private Process socat;
  private OutputStream out;

  SocatPty(Path dir) {
    this.port = dir.resolve("port");
    this.device = dir.resolve("device");
  }

  static synchronized void requireAvailable() {
    if (available == null) {
      try {
        Process p = new ProcessBuilder("socat", "-V").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        available = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
      } catch (IOException e) {
        available = false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        available = false;
      }
      if (!available) {
        System.err.println(
            "[SocatPty] socat not installed (apt-get install -y socat) — skipping serial pty"
                + " tests; CI=true makes this a failure");
      }
    }
    if (!available) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail("socat not installed (apt-get install -y socat) — CI=true: failing");
      }
      Assumptions.abort("socat not installed — skipping serial pty tests");
    }
  }

  /** Starts socat and waits until both links exist. */
  SocatPty start() throws Exception {
    socat =
        new ProcessBuilder(
                "socat", "-d", "-d", "pty,raw,echo=0,link=" + port, "pty,raw,echo=0,link=" + device)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!(Files.exists(port) && Files.exists(device))) {
      if (System.nanoTime() > deadline || !socat.isAlive()) {
        fail("socat did not create " + port + " and " + device);
      }
      Thread.sleep(20);
    }
    out = Files.newOutputStream(device, StandardOpenOption.WRITE);
    return this;
  }

  /** Writes device output (a whole line, part of one, garbage). */
  void write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  void write(String text) throws IOException {
    write(text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
  }

  /** Pulls the cable: socat ends and its links go away. */
  void kill() throws Exception {
    closeWriter();
    socat.destroy();
    if (!socat.waitFor(10, TimeUnit.SECONDS)) {
      socat.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    // socat removes its links on exit; make sure, so the adapter sees the port gone.
    Files.deleteIfExists(port);
    Files.deleteIfExists(device);
  }

  private void closeWriter() {
    try {
      if (out != null) {
        out.close();
      }
    } catch (IOException e) {
      // the pty is going away
    }
    out = null;
  }

  @Override
  public void close() throws Exception {
    if (socat != null && socat.isAlive()) {
      kill();
    }
  }
}
