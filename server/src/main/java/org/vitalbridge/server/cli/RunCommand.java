package org.vitalbridge.server.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vitalbridge.core.ConfigurationException;
import org.vitalbridge.server.Engine;
import org.vitalbridge.server.config.ConfigLoader;
import org.vitalbridge.server.config.VitalBridgeConfig;
import org.vitalbridge.store.StoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Starts the engine and runs until stopped (SIGTERM / Ctrl-C). */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Start VitalBridge: store, pipeline and HTTP endpoint (embedded defaults).")
final class RunCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "YAML configuration (see config/vitalbridge.yaml); VITALBRIDGE_* env overrides.")
  Path config;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    VitalBridgeConfig cfg;
    Engine engine;
    try {
      cfg = ConfigLoader.load(config, System.getenv());
      engine = Engine.start(cfg, Clock.systemUTC());
    } catch (ConfigurationException
        | StoreException
        | IllegalStateException
        | UncheckedIOException e) {
      err.println("cannot start VitalBridge: " + e.getMessage());
      err.flush();
      return 2;
    }
    log.info(
        "VitalBridge running: store {} ({}), {} templates, HTTP {}:{} (POST /api/v1/ingest/{template},"
            + " WebSocket /api/v1/stream, GET /health), MLLP {}, MQTT {}",
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
            : cfg.mqtt().mode());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("stopping VitalBridge");
                  engine.close();
                  stopped.countDown();
                },
                "vitalbridge-shutdown"));
    stopped.await();
    return 0;
  }
}
