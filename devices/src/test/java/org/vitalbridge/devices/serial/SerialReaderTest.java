package org.vitalbridge.devices.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.core.ConfigurationException;
import org.vitalbridge.store.RetentionPolicy;
import org.vitalbridge.store.Store;
import org.vitalbridge.store.StoreConfig;
import org.vitalbridge.store.StoredRaw;

/** The read loop against a scripted port: open failures, reads, a pulled cable, reopening. */
class SerialReaderTest {
  static final Clock CLOCK = Clock.fixed(SerialFixtures.NOW, ZoneOffset.UTC);

  @TempDir Path tmp;
  Store store;
  SerialIngest ingest;

  @BeforeEach
  void open() {
    store =
        Store.open(
            StoreConfig.sqlite(tmp.resolve("vb.db")),
            SerialFixtures.PROCESSOR,
            CLOCK,
            new RetentionPolicy(null, null, 0, 0));
  }

  @AfterEach
  void close() {
    if (ingest != null) {
      ingest.close();
    }
    store.close();
  }

  /** A port that plays back chunks; {@code null} in the script is a pulled cable (-1). */
  static final class ScriptedLink implements SerialLink {
    final Deque<byte[]> script = new ArrayDeque<>();
    volatile boolean closed;

    ScriptedLink then(String chunk) {
      script.add(chunk == null ? new byte[0] : chunk.getBytes(StandardCharsets.ISO_8859_1));
      return this;
    }

    @Override
    public int read(byte[] buf) throws IOException {
      byte[] next = script.poll();
      if (next == null) {
        sleep();
        return 0;
      }
      if (next.length == 0) {
        return -1;
      }
      System.arraycopy(next, 0, buf, 0, next.length);
      return next.length;
    }

    private static void sleep() {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public boolean present() {
      return true;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  SerialPortConfig config() {
    return new SerialPortConfig(
        "/dev/ttyFAKE",
        9600,
        8,
        null,
        null,
        null,
        "oximeter-spo2-hr",
        "OX-1",
        Duration.ofMillis(200),
        Duration.ofMillis(20),
        64);
  }

  /** A read timeout the test never reaches: only close() ends the partial line. */
  SerialPortConfig longTimeout() {
    SerialPortConfig c = config();
    return new SerialPortConfig(
        c.port(),
        c.baud(),
        c.dataBits(),
        c.parity(),
        c.stopBits(),
        c.flowControl(),
        c.protocol(),
        c.deviceId(),
        Duration.ofMinutes(5),
        c.reconnectInterval(),
        c.maxLineBytes());
  }

  @Test
  void retriesOpeningReadsReconnectsAfterAPulledCable() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    ScriptedLink first = new ScriptedLink().then("SPO2=097 HR").then("=068\nSPO2=0").then(null);
    ScriptedLink second = new ScriptedLink().then("SPO2=096 HR=067\r\n");
    SerialLink.Opener opener =
        c -> {
          int n = attempts.incrementAndGet();
          if (n <= 2) {
            throw new IOException("no such port " + c.port());
          }
          return n == 3 ? first : second;
        };
    ingest =
        SerialIngest.start(config(), SerialFixtures.PROTOCOLS, store.ingestor(), CLOCK, opener);
    await().atMost(Duration.ofSeconds(10)).until(() -> ingest.lines() == 2);
    assertThat(ingest.connects()).isEqualTo(2);
    assertThat(first.closed).isTrue();
    // The half line cut off by the pulled cable went to quarantine, not nowhere.
    assertThat(ingest.garbage()).isEqualTo(1);
    store.pipeline().drain();
    assertThat(store.quarantine().open(10))
        .singleElement()
        .satisfies(
            q -> {
              assertThat(q.detail()).contains("incomplete line: the port went away");
              StoredRaw raw = store.quarantine().raw(q.rawSeq()).orElseThrow();
              assertThat(raw.message().adapter()).isEqualTo("serial");
              assertThat(raw.message().sourceAddress()).isEqualTo("/dev/ttyFAKE");
              assertThat(new String(raw.message().payload(), StandardCharsets.ISO_8859_1))
                  .isEqualTo("SPO2=0");
            });
    assertThat(store.measurements().find(SerialPtyIT.ALL)).hasSize(4);
  }

  @Test
  void closingJournalsAPendingPartialLine() throws Exception {
    ScriptedLink link = new ScriptedLink().then("SPO2=09");
    ingest =
        SerialIngest.start(
            longTimeout(), SerialFixtures.PROTOCOLS, store.ingestor(), CLOCK, c -> link);
    await().atMost(Duration.ofSeconds(10)).until(ingest::connected);
    Thread.sleep(50);
    ingest.close();
    assertThat(ingest.garbage()).isEqualTo(1);
    assertThat(ingest.connected()).isFalse();
    assertThat(link.closed).isTrue();
  }

  @Test
  void unknownProtocolIsRefusedAtStart() {
    SerialPortConfig c = SerialPortConfig.of("/dev/ttyFAKE", "nope", null);
    assertThatThrownBy(
            () -> SerialIngest.start(c, SerialFixtures.PROTOCOLS, store.ingestor(), CLOCK))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("serial.protocol")
        .hasMessageContaining("nope");
  }
}
