package org.vitalbridge.store;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.vitalbridge.core.model.RawMessage;

/**
 * Child-JVM entry point for the durability and locking integration tests. Talks to the parent on
 * stdout only (logging goes to stderr).
 *
 * <pre>
 * CrashIngestMain ingest &lt;store&gt; &lt;threads&gt;  open, start the pipeline, append forever from
 *                                                  several threads; print "ACK &lt;id&gt;;" once each
 *                                                  append future has completed (= committed)
 * CrashIngestMain hold &lt;store&gt;              open the store, print "READY &lt;raw count&gt;", keep it open
 * CrashIngestMain probe &lt;store&gt;             try to open; print "OPENED &lt;raw count&gt;" or
 *                                          "REFUSED &lt;message&gt;"
 *
 * &lt;store&gt; = sqlite &lt;file&gt; FULL|NORMAL | postgresql &lt;jdbc-url&gt; &lt;user&gt; &lt;schema&gt;
 * </pre>
 */
public final class CrashIngestMain {
  static final String DESTINATION = "fhir";
  static final Instant BASE = Instant.parse("2026-11-20T00:00:00Z");
  private static final long MAX_RUN_MILLIS = 90_000;

  private CrashIngestMain() {}

  /** Message {@code n} of writer thread {@code t}: deterministic id and content. */
  static RawMessage message(int t, int n) {
    String id = "k-" + t + "-" + n;
    Instant observed = BASE.plusSeconds(n);
    String value = isGood(n) ? Integer.toString(60 + n % 40) : "101";
    return TestPipeline.raw(
        id, TestPipeline.payload("K" + t, observed, "SpO2", value, "%"), observed.plusMillis(500));
  }

  /** Every tenth message (n % 10 == 7) is an implausible SpO2 of 101 % and is quarantined. */
  static boolean isGood(int n) {
    return n % 10 != 7;
  }

  static boolean isGood(String id) {
    String[] parts = id.split("-");
    return isGood(Integer.parseInt(parts[2]));
  }

  static StoreConfig config(List<String> args) {
    return switch (args.get(0)) {
      case "sqlite" -> StoreConfig.sqlite(Path.of(args.get(1))).withSqliteSynchronous(args.get(2));
      case "postgresql" -> StoreConfig.postgresql(args.get(1), args.get(2), args.get(3));
      default -> throw new IllegalArgumentException("unknown backend " + args.get(0));
    };
  }

  /** The command-line form of {@code config}, as {@link #config(List)} reads it. */
  static List<String> args(StoreConfig config) {
    return config.backend().equals("sqlite")
        ? List.of(
            "sqlite", config.sqliteFile().toAbsolutePath().toString(), config.sqliteSynchronous())
        : List.of("postgresql", config.jdbcUrl(), config.user(), config.schema());
  }

  public static void main(String[] argv) throws Exception {
    PrintStream out = System.out;
    List<String> args = Arrays.asList(argv);
    String mode = args.get(0);
    List<String> store = args.subList(1, args.size());
    int consumed = store.get(0).equals("sqlite") ? 3 : 4;
    StoreConfig config = config(store).withDestinations(List.of(DESTINATION));
    List<String> rest = store.subList(consumed, store.size());
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> say(out, "SHUTDOWN-HOOK"), "shutdown-hook"));
    switch (mode) {
      case "ingest" -> ingest(out, config, Integer.parseInt(rest.get(0)));
      case "hold" -> hold(out, config);
      case "probe" -> probe(out, config);
      default -> throw new IllegalArgumentException("unknown mode " + mode);
    }
  }

  private static void say(PrintStream out, String line) {
    synchronized (out) {
      out.print(line + "\n");
      out.flush();
    }
  }

  private static Store open(StoreConfig config) {
    return Store.open(config, TestPipeline.standard(), Clock.systemUTC(), RetentionPolicy.DEFAULT);
  }

  private static void ingest(PrintStream out, StoreConfig config, int threads) throws Exception {
    Store store = open(config);
    store.pipeline().start();
    say(out, "READY");
    long deadline = System.currentTimeMillis() + MAX_RUN_MILLIS;
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread w =
          new Thread(
              () -> {
                for (int n = 0; System.currentTimeMillis() < deadline; n++) {
                  RawMessage m = message(thread, n);
                  try {
                    store.journal().append(m).get(30, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    say(out, "FAILED " + m.id() + " " + e);
                    return;
                  }
                  say(out, "ACK " + m.id() + ";");
                }
              },
              "writer-" + t);
      w.start();
      writers.add(w);
    }
    for (Thread w : writers) {
      w.join();
    }
    say(out, "TIMEOUT");
    System.exit(3);
  }

  private static void hold(PrintStream out, StoreConfig config) throws Exception {
    try (Store store = open(config)) {
      say(out, "READY " + store.retention().usage().rawCount());
      Thread.sleep(MAX_RUN_MILLIS);
    }
  }

  private static void probe(PrintStream out, StoreConfig config) {
    try (Store store = open(config)) {
      say(out, "OPENED " + store.retention().usage().rawCount());
    } catch (StoreException e) {
      say(out, "REFUSED " + e.getMessage());
    }
  }
}
