package org.vitalbridge.bench;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Live latency at a bedside rate, from outside a running VitalBridge ({@code bin/vitalbridge run},
 * see {@code bench/live-latency.sh}): a device publishes QoS 1 over MQTT at a fixed rate, a
 * dashboard subscribes to the WebSocket stream, and each message's time from publish to the
 * dashboard's frame is measured — MQTT, journal fsync, pipeline commit, feed, WebSocket. Not a
 * throughput figure: the rate is paced (default 100 messages/s of 3 readings, about 10 beds of
 * monitors at 1 Hz… three times over).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar org.vitalbridge.bench.LiveLatency MQTT_PORT HTTP_PORT \
 *     [MESSAGES=3000] [RATE_PER_SECOND=100]
 * </pre>
 */
public final class LiveLatency {
  private static final Instant BASE = Instant.parse("2026-12-01T00:00:00Z");
  private static final Pattern OBSERVED = Pattern.compile("\"observedAt\":\"([^\"]+)\"");

  private LiveLatency() {}

  public static void main(String[] args) throws Exception {
    int mqttPort = Integer.parseInt(args[0]);
    int httpPort = Integer.parseInt(args[1]);
    int messages = args.length > 2 ? Integer.parseInt(args[2]) : 3000;
    int rate = args.length > 3 ? Integer.parseInt(args[3]) : 100;
    String device = "latency-" + Long.toHexString(System.nanoTime());
    long[] sentAt = new long[messages];
    long[] seenAt = new long[messages];
    AtomicInteger seen = new AtomicInteger();
    WebSocket dashboard =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .buildAsync(
                URI.create(
                    "ws://127.0.0.1:"
                        + httpPort
                        + "/api/v1/stream?device="
                        + device
                        + (System.getenv("VB_TOKEN") == null
                            ? ""
                            : "&access_token=" + System.getenv("VB_TOKEN"))),
                new WebSocket.Listener() {
                  private final StringBuilder partial = new StringBuilder();

                  @Override
                  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    partial.append(data);
                    if (last) {
                      long now = System.nanoTime();
                      Matcher m = OBSERVED.matcher(partial);
                      if (m.find()) {
                        int seq =
                            (int)
                                (Instant.parse(m.group(1)).getEpochSecond()
                                    - BASE.getEpochSecond());
                        if (seq >= 0 && seq < messages && seenAt[seq] == 0) {
                          seenAt[seq] = now;
                          seen.incrementAndGet();
                        }
                      }
                      partial.setLength(0);
                    }
                    ws.request(1);
                    return null;
                  }
                })
            .get(10, TimeUnit.SECONDS);
    Mqtt5AsyncClient client =
        Mqtt5Client.builder()
            .identifier(device)
            .serverHost("127.0.0.1")
            .serverPort(mqttPort)
            .buildAsync();
    client.connect().get(10, TimeUnit.SECONDS);
    long periodNanos = TimeUnit.SECONDS.toNanos(1) / rate;
    long start = System.nanoTime();
    for (int seq = 0; seq < messages; seq++) {
      long due = start + seq * periodNanos;
      while (System.nanoTime() < due) {
        Thread.onSpinWait();
      }
      sentAt[seq] = System.nanoTime();
      client
          .publishWith()
          .topic("devices/" + device + "/nova-wearable")
          .qos(MqttQos.AT_LEAST_ONCE)
          .payload(payload(device, seq))
          .send();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (seen.get() < messages && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    client.disconnect().get(10, TimeUnit.SECONDS);
    dashboard.abort();
    // The first fifth is the server's warm-up (JIT): reported apart.
    int warmup = messages / 5;
    long[] first = new long[warmup];
    int w = 0;
    for (int i = 0; i < warmup; i++) {
      if (seenAt[i] != 0) {
        first[w++] = seenAt[i] - sentAt[i];
      }
    }
    long[] warm = Arrays.copyOf(first, w);
    Arrays.sort(warm);
    long[] latencies = new long[messages];
    int n = 0;
    for (int i = warmup; i < messages; i++) {
      if (seenAt[i] != 0) {
        latencies[n++] = seenAt[i] - sentAt[i];
      }
    }
    long[] sorted = Arrays.copyOf(latencies, n);
    Arrays.sort(sorted);
    System.out.printf(
        Locale.ROOT,
        "live latency (MQTT QoS 1 publish -> WebSocket stream frame) at %d/s: warm-up %d of %d seen,"
            + " p99 %.1f ms; then %d of %d seen, p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        rate,
        w,
        warmup,
        pct(warm, 99),
        n,
        messages - warmup,
        pct(sorted, 50),
        pct(sorted, 99),
        n == 0 ? Double.NaN : sorted[n - 1] / 1e6);
    System.exit(n + w == messages ? 0 : 1);
  }

  private static double pct(long[] sorted, int p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(i, sorted.length - 1))] / 1e6;
  }

  private static byte[] payload(String device, int seq) {
    String time = BASE.plusSeconds(seq).toString();
    return ("{\"schema\":\"nova.obs/2\",\"device\":{\"serial\":\""
            + device
            + "\"},\"observations\":[{\"type\":\"HeartRate\",\"value\":\"72\",\"unit\":\"bpm\","
            + "\"time\":\""
            + time
            + "\"},{\"type\":\"O2Sat\",\"value\":\"97\",\"unit\":\"%SpO2\",\"time\":\""
            + time
            + "\"},{\"type\":\"body_temp\",\"value\":\"37.1\",\"unit\":\"Cel\",\"time\":\""
            + time
            + "\"}]}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
