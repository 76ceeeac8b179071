package org.vitalbridge.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * The version the build stamped into {@code version.properties} (Maven resource filtering: no git,
 * no manifest needed, so it reads the same from the jar and from an IDE) and the running Java.
 */
final class VersionInfo implements IVersionProvider {
  static String version() {
    try (InputStream in =
        VersionInfo.class.getResourceAsStream("/org/vitalbridge/server/version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "unknown");
      // Unfiltered (a build that skipped resource processing) reads as a placeholder.
      return v.startsWith("${") ? "unknown" : v;
    } catch (IOException e) {
      return "unknown";
    }
  }

  static String java() {
    return "Java "
        + System.getProperty("java.version")
        + " ("
        + System.getProperty("java.vendor")
        + ", "
        + System.getProperty("os.name")
        + " "
        + System.getProperty("os.arch")
        + ")";
  }

  @Override
  public String[] getVersion() {
    return new String[] {"VitalBridge " + version(), java()};
  }
}
