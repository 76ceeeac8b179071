package org.vitalbridge.mqtt;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Assumptions;

/**
 * The MQTT broker the external-mode tests use: Mosquitto 2 on {@code 127.0.0.1:1883} (anonymous,
 * persistence on). When it cannot be reached the tests are skipped with a visible message, unless
 * {@code CI=true}: then they fail, so a CI run can never silently lose its broker coverage. The
 * broker is shared, so tests use their own topic prefixes and client ids.
 */
final class MosquittoSupport {
  static final String HOST = System.getProperty("vitalbridge.test.mqtt.host", "127.0.0.1");
  static final int PORT = Integer.getInteger("vitalbridge.test.mqtt.port", 1883);

  private static Boolean available;
  private static String unavailable;

  private MosquittoSupport() {}

  /** Skips (or, with CI=true, fails) the test when the broker is not listening. */
  static synchronized void requireAvailable() {
    if (available == null) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(HOST, PORT), 3_000);
        available = true;
      } catch (IOException e) {
        available = false;
        unavailable =
            "MQTT broker not reachable at "
                + HOST
                + ":"
                + PORT
                + " ("
                + e.getMessage()
                + ") — skipping; CI=true makes this a failure";
        System.err.println("[MosquittoSupport] " + unavailable);
      }
    }
    if (!available) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(unavailable.replace("— skipping; CI=true makes this a failure", "— CI=true: failing"));
      }
      Assumptions.abort(unavailable);
    }
  }
}
