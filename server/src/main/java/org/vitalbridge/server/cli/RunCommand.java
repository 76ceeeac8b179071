package org.vitalbridge.server.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vitalbridge.core.ConfigurationException;
import org.vitalbridge.server.Engine;
import org.vitalbridge.server.LogFormat;
import org.vitalbridge.server.config.VitalBridgeConfig;
import org.vitalbridge.store.StoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** Starts the engine and runs until stopped (SIGTERM / Ctrl-C). */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Start VitalBridge: store, pipeline and HTTP endpoint (embedded defaults).")
final class RunCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin ConfigOption config;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    // Every configuration problem is reported at once, as check-config reports it, before anything
    // is opened or bound.
    ConfigOption.Checked checked = config.loadChecked(err, System.getenv(), Clock.systemUTC());
    if (checked == null) {
      return 2;
    }
    VitalBridgeConfig cfg = checked.config();
    LogFormat.apply(cfg.logging());
    Engine engine;
    try {
      engine = Engine.start(cfg, Clock.systemUTC());
    } catch (ConfigurationException
        | StoreException
        | IllegalStateException
        | IllegalArgumentException
        | UncheckedIOException e) {
      err.println("cannot start VitalBridge: " + e.getMessage());
      err.flush();
      return 2;
    }
    log.info(
        "VitalBridge running (version {}): store {} ({}), {} templates, HTTP {}:{} (POST"
            + " /api/v1/ingest/{template}, WebSocket /api/v1/stream, GET /health, /metrics), MLLP"
            + " {}, MQTT {}; console: {}",
        VersionInfo.version(),
        cfg.store().backend(),
        cfg.store().backend().equals("sqlite")
            ? cfg.store().sqliteFile()
            : cfg.store().postgresqlUrl(),
        engine.templateCount(),
        cfg.http().host(),
        engine.httpPort(),
        engine.mllpPort() < 0 ? "off" : cfg.hl7().mllp().host() + ":" + engine.mllpPort(),
        cfg.mqtt().mode().equals("embedded")
            ? (engine.mqttPort() < 0
                ? "embedded (not started yet, see above)"
                : "embedded " + cfg.mqtt().embedded().host() + ":" + engine.mqttPort())
            : cfg.mqtt().mode(),
        consoleUrl(cfg, engine.httpPort()));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  // Engine.close stops the listeners first (nothing new is accepted), then lets
                  // the journal commit what it holds and the pipeline finish its batch, then
                  // closes the store: everything acknowledged is committed before exit.
                  log.info("stopping VitalBridge");
                  engine.close();
                  log.info("VitalBridge stopped");
                  stopped.countDown();
                },
                "vitalbridge-shutdown"));
    stopped.await();
    return 0;
  }

  /** Where an operator opens the console (a wildcard host is reached through the loopback). */
  static String consoleUrl(VitalBridgeConfig cfg, int port) {
    String host = cfg.http().host();
    if (host.equals("0.0.0.0") || host.equals("::")) {
      host = "127.0.0.1";
    }
    boolean tls = cfg.http().tls() != null && cfg.http().tls().enabled();
    return (tls ? "https" : "http") + "://" + host + ":" + port + "/console/";
  }
}
