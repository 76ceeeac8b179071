package org.vitalbridge.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.model.RawMessageIds;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.store.RetentionPolicy;
import org.vitalbridge.store.Store;
import org.vitalbridge.store.StoreConfig;

/**
 * Load run for the durable journal and the pipeline (not JMH: it measures a closed-loop system).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar org.vitalbridge.bench.StoreLoad \
 *     sqlite|sqlite-normal|postgresql APPENDERS MESSAGES_PER_APPENDER
 * </pre>
 *
 * Phase 1: APPENDERS threads each append 500-byte JSON payloads, waiting for every acknowledgement
 * (the future completes after the group commit) before the next: acknowledged appends per second.
 * Phase 2: the pipeline worker drains everything (decode, template, harmonize, write measurements +
 * outbox): raw messages per second into measurements.
 */
public final class StoreLoad {
  private StoreLoad() {}

  public static void main(String[] args) throws Exception {
    String backend = args.length > 0 ? args[0] : "sqlite";
    int appenders = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    int perAppender = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
    boolean async = args.length <= 3 || args[3].equals("async");
    Path dir = Files.createTempDirectory("vitalbridge-load");
    StoreConfig config =
        switch (backend) {
          case "sqlite" -> StoreConfig.sqlite(dir.resolve("vb.db"));
          case "sqlite-normal" ->
              StoreConfig.sqlite(dir.resolve("vb.db")).withSqliteSynchronous("NORMAL");
          case "postgresql" ->
              StoreConfig.postgresql(
                  System.getProperty("pg.url", "jdbc:postgresql://127.0.0.1:5432/test"),
                  System.getProperty("pg.user", "postgres"),
                  "load_" + Long.toHexString(System.nanoTime()));
          default ->
              throw new IllegalArgumentException("backend: sqlite | sqlite-normal | postgresql");
        };
    MessageProcessor processor =
        BenchFixtures.processor(
            Path.of(System.getProperty("vitalbridge.templates", "config/templates")));
    try (Store store =
        Store.open(
            config.withDestinations(List.of("fhir")),
            processor,
            Clock.systemUTC(),
            RetentionPolicy.DEFAULT)) {
      AtomicLong acked = new AtomicLong();
      // Payloads exist before the clock starts, as they would in an adapter's receive buffer.
      byte[][][] payloads = new byte[appenders][perAppender][];
      for (int a = 0; a < appenders; a++) {
        for (int i = 0; i < perAppender; i++) {
          payloads[a][i] = payload(a * 1_000_000L + i, i);
        }
      }
      PAYLOADS = payloads;
      long t0 = System.nanoTime();
      if (async) {
        java.util.concurrent.CountDownLatch done =
            new java.util.concurrent.CountDownLatch(appenders);
        ExecutorService eventLoop = Executors.newSingleThreadExecutor();
        for (int a = 0; a < appenders; a++) {
          new AsyncAppender(store, eventLoop, a, perAppender, acked, done).next();
        }
        done.await();
        eventLoop.shutdown();
      } else {
        ExecutorService pool = Executors.newFixedThreadPool(appenders);
        List<Future<?>> futures = new ArrayList<>();
        for (int a = 0; a < appenders; a++) {
          int appender = a;
          futures.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < perAppender; i++) {
                      store.journal().append(message(appender, i)).join();
                      acked.incrementAndGet();
                    }
                    return null;
                  }));
        }
        for (Future<?> f : futures) {
          f.get();
        }
        pool.shutdown();
      }
      double appendSeconds = (System.nanoTime() - t0) / 1e9;
      if (!Boolean.parseBoolean(System.getProperty("vitalbridge.load.pipeline", "true"))) {
        System.out.printf(
            "%s: %d %s appenders, %d acknowledged appends in %.2f s = %.0f appends/s%n",
            backend,
            appenders,
            async ? "async" : "thread",
            acked.get(),
            appendSeconds,
            acked.get() / appendSeconds);
        return;
      }
      long t1 = System.nanoTime();
      long processed = store.pipeline().drain();
      double drainSeconds = (System.nanoTime() - t1) / 1e9;
      System.out.printf(
          "%s: %d %s appenders, %d acknowledged appends of %d bytes in %.2f s = %.0f appends/s%n",
          backend,
          appenders,
          async ? "async" : "thread",
          acked.get(),
          payload(0, 0).length,
          appendSeconds,
          acked.get() / appendSeconds);
      System.out.printf(
          "%s: pipeline %d raw messages -> %d measurements in %.2f s = %.0f messages/s (%.0f measurements/s)%n",
          backend,
          processed,
          store.measurements().count(),
          drainSeconds,
          processed / drainSeconds,
          store.measurements().count() / drainSeconds);
    }
  }

  private static byte[][][] PAYLOADS;
  private static final Clock CLOCK = Clock.systemUTC();

  private static RawMessage message(int appender, int i) {
    return new RawMessage(
        RawMessageIds.next(CLOCK),
        PAYLOADS[appender][i],
        "application/json",
        "load",
        null,
        null,
        Instant.now());
  }

  /** One appender with one message in flight; the acknowledgement sends the next. */
  private record AsyncAppender(
      Store store,
      ExecutorService eventLoop,
      int appender,
      int total,
      AtomicLong acked,
      java.util.concurrent.CountDownLatch done) {
    void next() {
      send(0);
    }

    private void send(int i) {
      if (i == total) {
        done.countDown();
        return;
      }
      store
          .journal()
          .append(message(appender, i))
          .whenCompleteAsync(
              (ok, failure) -> {
                if (failure != null) {
                  throw new IllegalStateException("append failed", failure);
                }
                acked.incrementAndGet();
                send(i + 1);
              },
              eventLoop);
    }
  }

  /**
   * A 500-byte ACME payload (padded with a vendor field) from a distinct device, so the pipeline
   * has real work: six new measurements per message.
   */
  /**
   * One ACME payload of ~500 bytes. Its time advances a second per {@code seq}, as a device's
   * readings do: messages sent at the same moment carry about the same observation time.
   */
  static byte[] payload(long device, long seq) {
    String base =
        "{\"model\":\"ACME-BM5\",\"deviceId\":\"ACME-%s\",\"bed\":\"ICU-3\",\"ts\":"
            + (1764065700000L + seq * 1000L)
            + ","
            + "\"hr\":72,\"spo2\":97,\"nibp\":{\"sys\":120,\"dia\":80,\"map\":93},\"temp_f\":98.6,"
            + "\"pad\":\"%s\"}";
    String id = String.format("%012d", device);
    String json = String.format(base, id, "");
    char[] pad = new char[Math.max(0, 500 - json.length())];
    Arrays.fill(pad, 'x');
    return String.format(base, id, new String(pad))
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
