package org.vitalbridge.server.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import org.vitalbridge.core.ConfigurationException;
import org.vitalbridge.server.ConfigCheck;
import org.vitalbridge.server.config.ConfigLoader;
import org.vitalbridge.server.config.VitalBridgeConfig;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE} and the loading every command that reads the configuration shares: load,
 * check as {@code run} would, and report each problem as {@code SOURCE: key: reason}.
 */
final class ConfigOption {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "YAML configuration (every key: config/vitalbridge.yaml); VITALBRIDGE_* environment"
              + " variables override its keys. Without it: the embedded defaults.")
  Path file;

  /** Where the configuration came from, as error lines name it. */
  String source() {
    return file == null ? "embedded defaults" : file.toString();
  }

  /** The configuration, or null after printing why it cannot be loaded. */
  VitalBridgeConfig load(PrintWriter err, java.util.Map<String, String> env) {
    try {
      return ConfigLoader.load(file, env);
    } catch (ConfigurationException e) {
      // The loader's messages already start with the file (and line) they are about.
      err.println(e.getMessage());
      err.flush();
      return null;
    }
  }

  /** Loads and checks; null after printing every problem. */
  Checked loadChecked(PrintWriter err, java.util.Map<String, String> env, Clock clock) {
    VitalBridgeConfig config = load(err, env);
    if (config == null) {
      return null;
    }
    ConfigCheck.Result result = ConfigCheck.check(config, clock);
    if (!result.ok()) {
      for (String e : result.errors()) {
        err.println(source() + ": " + e);
      }
      err.flush();
      return null;
    }
    return new Checked(config, result);
  }

  /** A configuration that passed the check. */
  record Checked(VitalBridgeConfig config, ConfigCheck.Result result) {}
}
