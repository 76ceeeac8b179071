package org.vitalbridge.server.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import org.vitalbridge.core.ConfigurationException;
import org.vitalbridge.server.Engine;
import org.vitalbridge.server.config.ConfigLoader;
import org.vitalbridge.server.config.VitalBridgeConfig;
import org.vitalbridge.store.Store;
import org.vitalbridge.store.StoreException;
import picocli.CommandLine.Option;

/** {@code --config FILE} and opening the configured store, for the tools that read it. */
final class StoreOptions {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "YAML configuration (see config/vitalbridge.yaml); VITALBRIDGE_* env overrides.")
  Path config;

  VitalBridgeConfig loaded;

  /** The store, or null after a message on {@code err} (configuration or store unusable). */
  Store open(PrintWriter err, Clock clock) {
    try {
      loaded = ConfigLoader.load(config, System.getenv());
      return Engine.openStore(loaded, clock);
    } catch (ConfigurationException | StoreException | UncheckedIOException e) {
      err.println("cannot open the store: " + e.getMessage());
      err.flush();
      return null;
    }
  }
}
