package org.vitalbridge.bench;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.vitalbridge.core.harmonize.Harmonizer;
import org.vitalbridge.core.harmonize.HarmonizerSettings;
import org.vitalbridge.core.mapping.TemplateLoader;
import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.core.pipeline.JsonTemplateDecoder;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.core.terminology.TerminologyLoader;
import org.vitalbridge.core.units.UnitResolver;
import org.vitalbridge.mqtt.MqttConfig;
import org.vitalbridge.mqtt.MqttIngest;
import org.vitalbridge.store.RetentionPolicy;
import org.vitalbridge.store.Store;
import org.vitalbridge.store.StoreConfig;

/**
 * MQTT 5 QoS 1 ingest side by side with Mosquitto pass-through, same publishers and payloads, one
 * JVM, one run (see {@code bench/mqtt-compare.sh}).
 *
 * <ul>
 *   <li>{@code mosquitto}: P publishers → Mosquitto → one QoS 1 subscriber counting deliveries
 *       (nothing durable: Mosquitto's {@code persistence false}).
 *   <li>{@code vitalbridge}: the same publishers → VitalBridge's embedded endpoint (PUBACK after
 *       the journal commit, SQLite synchronous FULL) → pipeline → a listener on the store's feed of
 *       committed measurements. A message counts as delivered when its measurements are committed.
 * </ul>
 *
 * Each message is a Nova wearable payload (3 readings) with its own observation time, so nothing is
 * deduplicated. Latency: publish → delivery (subscriber) or → committed measurement (feed); also
 * publish → PUBACK.
 *
 * <p>{@code -Dvitalbridge.backend=postgresql} (with {@code -Dpg.url}, {@code -Dpg.user}) stores in
 * a fresh PostgreSQL schema instead of SQLite.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar org.vitalbridge.bench.MqttCompare MOSQUITTO_PORT \
 *     [PUBLISHERS=8] [MESSAGES_PER_PUBLISHER=2000] [ROUNDS=3] [WINDOW=100]
 * </pre>
 */
public final class MqttCompare {
  private static final Instant BASE = Instant.parse("2026-12-01T00:00:00Z");

  /**
   * {@code -Dvitalbridge.load.pipeline=false}: journal only, no pipeline; a message then counts as
   * delivered when its PUBACK (after the journal commit) arrives — to separate ingest from
   * processing.
   */
  private static final boolean PIPELINE =
      Boolean.parseBoolean(System.getProperty("vitalbridge.load.pipeline", "true"));

  private final int publishers;
  private final int perPublisher;
  private final int window;

  private MqttCompare(int publishers, int perPublisher, int window) {
    this.publishers = publishers;
    this.perPublisher = perPublisher;
    this.window = window;
  }

  public static void main(String[] args) throws Exception {
    int mosquittoPort = Integer.parseInt(args[0]);
    int publishers = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int perPublisher = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    int window = args.length > 4 ? Integer.parseInt(args[4]) : 100;
    MqttCompare bench = new MqttCompare(publishers, perPublisher, window);
    System.out.printf(
        Locale.ROOT,
        "# %s %d cores; %d publishers x %d messages, QoS 1, window %d, %d rounds (round 1 warm-up)%n",
        Instant.now(),
        Runtime.getRuntime().availableProcessors(),
        publishers,
        perPublisher,
        window,
        rounds);
    List<Result> mosquitto = bench.mosquitto(mosquittoPort, rounds);
    List<Result> vitalbridge = bench.vitalbridge(rounds);
    List<Result> mosquittoAgain = bench.mosquitto(mosquittoPort, rounds);
    for (int r = 1; r < rounds; r++) {
      double ratio =
          vitalbridge.get(r).deliveredPerSecond()
              / Math.max(
                  mosquitto.get(r).deliveredPerSecond(),
                  mosquittoAgain.get(r).deliveredPerSecond());
      System.out.printf(
          Locale.ROOT, "round %d ratio vitalbridge/mosquitto(best) %.2f%n", r + 1, ratio);
    }
    System.exit(0);
  }

  record Result(
      String target,
      int round,
      long sent,
      long acked,
      long delivered,
      double seconds,
      double ackP50,
      double ackP99,
      double p50,
      double p99) {
    double deliveredPerSecond() {
      return delivered / seconds;
    }

    String line() {
      return String.format(
          Locale.ROOT,
          "%-12s round %d: sent %d, acked %d, delivered %d in %.2f s = %.0f msg/s delivered;"
              + " publish->ack p50 %.1f ms p99 %.1f ms; publish->delivered p50 %.1f ms p99 %.1f ms",
          target,
          round,
          sent,
          acked,
          delivered,
          seconds,
          deliveredPerSecond(),
          ackP50,
          ackP99,
          p50,
          p99);
    }
  }

  /** Delivery side of one round: marks message (publisher, seq) delivered once. */
  private final class Deliveries {
    final long[][] sentAt;
    final long[][] deliveredAt;
    final AtomicLong delivered = new AtomicLong();
    volatile long lastDelivery;

    Deliveries() {
      sentAt = new long[publishers][perPublisher];
      deliveredAt = new long[publishers][perPublisher];
    }

    void delivered(int publisher, int seq) {
      long now = System.nanoTime();
      synchronized (deliveredAt[publisher]) {
        if (deliveredAt[publisher][seq] != 0) {
          return;
        }
        deliveredAt[publisher][seq] = now;
      }
      lastDelivery = now;
      delivered.incrementAndGet();
    }
  }

  private List<Result> mosquitto(int port, int rounds) throws Exception {
    List<Result> results = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      String run = "r" + System.nanoTime();
      Deliveries d = new Deliveries();
      Mqtt5AsyncClient subscriber =
          Mqtt5Client.builder()
              .identifier("bench-sub-" + run)
              .serverHost("127.0.0.1")
              .serverPort(port)
              .buildAsync();
      subscriber.connect().get(10, TimeUnit.SECONDS);
      subscriber
          .subscribeWith()
          .topicFilter("devices/" + run + "/#")
          .qos(MqttQos.AT_LEAST_ONCE)
          .callback(p -> onBrokerDelivery(p, d))
          .send()
          .get(10, TimeUnit.SECONDS);
      results.add(round("mosquitto", round, port, run, d));
      subscriber.disconnect().get(10, TimeUnit.SECONDS);
      System.out.println(results.get(results.size() - 1).line());
    }
    return results;
  }

  private static void onBrokerDelivery(Mqtt5Publish p, Deliveries d) {
    // devices/{run}/p{publisher}-{seq}/nova-wearable is not how devices name topics; the device is
    // devices/{run}-p{publisher}/nova-wearable and the seq is in the payload's time.
    String[] parts = p.getTopic().toString().split("/");
    int publisher = Integer.parseInt(parts[2].substring(1));
    String body = new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
    int at = body.indexOf("\"time\":\"") + 8;
    Instant t = Instant.parse(body.substring(at, body.indexOf('"', at)));
    d.delivered(publisher, (int) (t.getEpochSecond() - BASE.getEpochSecond()));
  }

  private List<Result> vitalbridge(int rounds) throws Exception {
    Path dir = Files.createTempDirectory("vitalbridge-mqtt-bench");
    MessageProcessor processor =
        new MessageProcessor(
            List.of(
                new JsonTemplateDecoder(
                    TemplateLoader.loadDirectory(
                        Path.of(System.getProperty("vitalbridge.templates", "config/templates"))))),
            new Harmonizer(
                TerminologyLoader.shipped(), UnitResolver.shipped(), HarmonizerSettings.DEFAULTS));
    String backend = System.getProperty("vitalbridge.backend", "sqlite");
    StoreConfig storeConfig =
        switch (backend) {
          case "sqlite" -> StoreConfig.sqlite(dir.resolve("vb.db"));
          case "postgresql" ->
              StoreConfig.postgresql(
                  System.getProperty("pg.url", "jdbc:postgresql://127.0.0.1:5432/test"),
                  System.getProperty("pg.user", "postgres"),
                  "mqtt_" + Long.toHexString(System.nanoTime()));
          default -> throw new IllegalArgumentException("vitalbridge.backend: sqlite | postgresql");
        };
    System.out.println("# vitalbridge store: " + backend + (PIPELINE ? "" : ", journal only"));
    Store store =
        Store.open(
            storeConfig, processor, Clock.systemUTC(), new RetentionPolicy(null, null, 0, 0));
    if (PIPELINE) {
      store.pipeline().start();
    }
    MqttConfig config =
        MqttConfig.defaults()
            .withTopics(List.of("bench/{device}/{template}"))
            .withEmbedded(new MqttConfig.Embedded("127.0.0.1", 0, 10_000, null));
    MqttIngest ingest = MqttIngest.start(config, store, Clock.systemUTC());
    ConcurrentHashMap<String, Integer> publisherOf = new ConcurrentHashMap<>();
    Deliveries[] current = new Deliveries[1];
    Consumer<Measurement> onCommit =
        m -> {
          Deliveries d = current[0];
          Integer publisher = publisherOf.get(m.device().value());
          if (d != null && publisher != null) {
            d.delivered(publisher, (int) (m.observedAt().getEpochSecond() - BASE.getEpochSecond()));
          }
        };
    List<Result> results = new ArrayList<>();
    try (AutoCloseable feed = store.feed().subscribe(onCommit)) {
      for (int round = 1; round <= rounds; round++) {
        String run = "r" + System.nanoTime();
        for (int p = 0; p < publishers; p++) {
          publisherOf.put(run + "-p" + p, p);
        }
        Deliveries d = new Deliveries();
        current[0] = d;
        results.add(round("vitalbridge", round, ingest.port(), run, d));
        System.out.println(results.get(results.size() - 1).line());
      }
    } finally {
      ingest.close();
      store.close();
    }
    return results;
  }

  /** One round: every publisher sends its messages (bounded window), then waits for deliveries. */
  private Result round(String target, int round, int port, String run, Deliveries d)
      throws Exception {
    List<Mqtt5AsyncClient> clients = new ArrayList<>();
    for (int p = 0; p < publishers; p++) {
      Mqtt5AsyncClient c =
          Mqtt5Client.builder()
              .identifier("bench-pub-" + run + "-" + p)
              .serverHost("127.0.0.1")
              .serverPort(port)
              .buildAsync();
      c.connect().get(10, TimeUnit.SECONDS);
      clients.add(c);
    }
    long[][] ackedAt = new long[publishers][perPublisher];
    AtomicLong acked = new AtomicLong();
    long start = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < publishers; p++) {
      int publisher = p;
      Thread t =
          new Thread(
              () -> publish(clients.get(publisher), publisher, run, target, d, ackedAt, acked));
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    long total = (long) publishers * perPublisher;
    long idleLimit = TimeUnit.SECONDS.toNanos(10);
    while (d.delivered.get() < total
        && System.nanoTime() - Math.max(d.lastDelivery, start) < idleLimit) {
      Thread.sleep(5);
    }
    long end = d.lastDelivery == 0 ? System.nanoTime() : d.lastDelivery;
    for (Mqtt5AsyncClient c : clients) {
      c.disconnect().get(10, TimeUnit.SECONDS);
    }
    return new Result(
        target,
        round,
        total,
        acked.get(),
        d.delivered.get(),
        (end - start) / 1e9,
        percentile(latencies(d.sentAt, ackedAt), 50),
        percentile(latencies(d.sentAt, ackedAt), 99),
        percentile(latencies(d.sentAt, d.deliveredAt), 50),
        percentile(latencies(d.sentAt, d.deliveredAt), 99));
  }

  private void publish(
      Mqtt5AsyncClient client,
      int publisher,
      String run,
      String target,
      Deliveries d,
      long[][] ackedAt,
      AtomicLong acked) {
    Semaphore inFlight = new Semaphore(window);
    String device = run + "-p" + publisher;
    String topic =
        target.equals("mosquitto")
            ? "devices/" + run + "/p" + publisher + "/nova-wearable"
            : "bench/" + device + "/nova-wearable";
    List<CompletableFuture<?>> pending = new ArrayList<>();
    for (int seq = 0; seq < perPublisher; seq++) {
      byte[] payload = payload(device, seq);
      inFlight.acquireUninterruptibly();
      int s = seq;
      d.sentAt[publisher][seq] = System.nanoTime();
      pending.add(
          client
              .publishWith()
              .topic(topic)
              .qos(MqttQos.AT_LEAST_ONCE)
              .payload(payload)
              .send()
              .whenComplete(
                  (r, e) -> {
                    if (e == null && r.getError().isEmpty()) {
                      ackedAt[publisher][s] = System.nanoTime();
                      acked.incrementAndGet();
                      if (!PIPELINE && target.equals("vitalbridge")) {
                        d.delivered(publisher, s);
                      }
                    }
                    inFlight.release();
                  }));
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
  }

  private static byte[] payload(String device, int seq) {
    String time = BASE.plusSeconds(seq).toString();
    String json =
        "{\"schema\":\"nova.obs/2\",\"device\":{\"serial\":\""
            + device
            + "\"},\"observations\":["
            + "{\"type\":\"HeartRate\",\"value\":\""
            + (60 + seq % 40)
            + "\",\"unit\":\"bpm\",\"time\":\""
            + time
            + "\"},{\"type\":\"O2Sat\",\"value\":\""
            + (90 + seq % 10)
            + "\",\"unit\":\"%SpO2\",\"time\":\""
            + time
            + "\"},{\"type\":\"body_temp\",\"value\":\"37.1\",\"unit\":\"Cel\",\"time\":\""
            + time
            + "\"}]}";
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private static long[] latencies(long[][] from, long[][] to) {
    long[] out = new long[from.length * from[0].length];
    int n = 0;
    for (int p = 0; p < from.length; p++) {
      for (int s = 0; s < from[p].length; s++) {
        if (to[p][s] != 0 && from[p][s] != 0) {
          out[n++] = to[p][s] - from[p][s];
        }
      }
    }
    return Arrays.copyOf(out, n);
  }

  private static double percentile(long[] values, int pct) {
    if (values.length == 0) {
      return Double.NaN;
    }
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int i = (int) Math.ceil(pct / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(i, sorted.length - 1))] / 1e6;
  }
}
