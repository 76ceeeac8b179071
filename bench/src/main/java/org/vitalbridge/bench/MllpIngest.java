package org.vitalbridge.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.vitalbridge.core.harmonize.Harmonizer;
import org.vitalbridge.core.harmonize.HarmonizerSettings;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.core.terminology.TerminologyLoader;
import org.vitalbridge.core.units.UnitResolver;
import org.vitalbridge.hl7v2.MllpListener;
import org.vitalbridge.hl7v2.MllpListenerConfig;
import org.vitalbridge.hl7v2.Pcd01Decoder;
import org.vitalbridge.store.RetentionPolicy;
import org.vitalbridge.store.Store;
import org.vitalbridge.store.StoreConfig;

/**
 * VitalBridge's MLLP ingest as a standalone server for side-by-side load runs with {@code
 * ../shared/bench-peers/MllpLoad.java} (see {@code bench/mllp-compare.sh}): the real listener,
 * journal (SQLite, synchronous FULL: every acknowledged message fsynced) and pipeline worker, on a
 * fresh database.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar org.vitalbridge.bench.MllpIngest PORT [sqlite|sqlite-normal|postgresql]
 * </pre>
 */
public final class MllpIngest {
  private MllpIngest() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String backend = args.length > 1 ? args[1] : "sqlite";
    Path dir = Files.createTempDirectory("vitalbridge-mllp");
    StoreConfig config =
        switch (backend) {
          case "sqlite" -> StoreConfig.sqlite(dir.resolve("vb.db"));
          case "sqlite-normal" ->
              StoreConfig.sqlite(dir.resolve("vb.db")).withSqliteSynchronous("NORMAL");
          case "postgresql" ->
              StoreConfig.postgresql(
                  System.getProperty("pg.url", "jdbc:postgresql://127.0.0.1:5432/test"),
                  System.getProperty("pg.user", "postgres"),
                  "mllp_" + Long.toHexString(System.nanoTime()));
          default ->
              throw new IllegalArgumentException("backend: sqlite | sqlite-normal | postgresql");
        };
    MessageProcessor processor =
        new MessageProcessor(
            List.of(new Pcd01Decoder()),
            new Harmonizer(
                TerminologyLoader.shipped(), UnitResolver.shipped(), HarmonizerSettings.DEFAULTS));
    Store store =
        Store.open(config, processor, Clock.systemUTC(), new RetentionPolicy(null, null, 0, 0));
    // -Dvitalbridge.load.pipeline=false: journal only, to separate ingest from processing.
    if (Boolean.parseBoolean(System.getProperty("vitalbridge.load.pipeline", "true"))) {
      store.pipeline().start();
    }
    MllpListener listener =
        new MllpListener(
            new MllpListenerConfig(
                "127.0.0.1",
                port,
                64,
                Duration.ofMinutes(5),
                1 << 20,
                StandardCharsets.UTF_8,
                Duration.ofSeconds(30),
                null),
            store,
            processor,
            Clock.systemUTC());
    listener.start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  listener.close();
                  System.out.println(
                      "# VitalBridge MLLP ingest stopped: "
                          + store.retention().usage().rawCount()
                          + " raw messages journaled");
                  store.close();
                }));
    System.out.println("VitalBridge MLLP ingest listening on " + port + " (" + backend + ")");
    Thread.currentThread().join();
  }
}
