package org.vitalbridge.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vitalbridge.server.http.ApiFixture.NOW;
import static org.vitalbridge.server.http.ApiFixture.acme;
import static org.vitalbridge.server.http.ApiFixture.acmeVitals;
import static org.vitalbridge.server.http.ApiFixture.example;
import static org.vitalbridge.server.http.ApiFixture.strings;
import static org.vitalbridge.server.http.ApiFixture.utf8;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.store.QuarantineEntry;

/** {@code /api/v1/ingest/{template}/ws}: one payload per frame, one acknowledgment per frame. */
class SocketIngestIT {
  static final String PATH = "/api/v1/ingest/acme-bedside/ws";

  @TempDir Path tmp;
  ApiFixture f;
  WsClient client;

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (f != null) {
      f.close();
    }
  }

  private List<JsonNode> awaitAcks(int n) {
    await().atMost(Duration.ofSeconds(20)).until(() -> client.messages.size() >= n);
    return client.json();
  }

  private static JsonNode ack(List<JsonNode> acks, int seq) {
    return acks.stream()
        .filter(a -> a.path("seq").asInt() == seq)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no ack for frame " + seq + " in " + acks));
  }

  @Test
  void textAndBinaryFramesAreEachAcknowledgedWithTheMeasurementIdsAfterTheCommit()
      throws Exception {
    f = ApiFixture.start(tmp);
    client = WsClient.connect(f.http, f.ws(PATH));

    client.send(new String(example("acme-bedside.json"), java.nio.charset.StandardCharsets.UTF_8));
    client.send(utf8(acmeVitals("ACME-7", "ICU-7", NOW.minusSeconds(10))));

    List<JsonNode> acks = awaitAcks(2);
    JsonNode text = ack(acks, 1);
    assertThat(text.path("kind").asText()).isEqualTo("ack");
    assertThat(text.path("status").asInt()).isEqualTo(202);
    assertThat(text.path("body").path("status").asText()).isEqualTo("accepted");
    List<String> textIds = strings(text.path("body").path("items").get(0).path("measurementIds"));
    assertThat(textIds).hasSize(6);
    JsonNode binary = ack(acks, 2);
    assertThat(binary.path("status").asInt()).isEqualTo(202);
    List<String> binaryIds =
        strings(binary.path("body").path("items").get(0).path("measurementIds"));
    assertThat(binaryIds).hasSize(2);
    // Acknowledged after the commit: both raw messages are journaled.
    assertThat(f.rawCount()).isEqualTo(2);
    String rawId = binary.path("body").path("items").get(0).path("rawId").asText();
    assertThat(f.raw(rawId).orElseThrow().message().contentType())
        .contains("template=\"acme-bedside\"");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(f.measurementCount()).isEqualTo(8));
    assertThat(f.measurement(binaryIds.get(0)).orElseThrow().device()).isEqualTo("ACME-7");
  }

  @Test
  void aMalformedFrameIsAcknowledged400AndQuarantinedAndTheConnectionGoesOn() throws Exception {
    f = ApiFixture.start(tmp);
    client = WsClient.connect(f.http, f.ws(PATH));
    String broken = "{\"model\":\"ACME-BM5\",\"deviceId\":";

    client.send(broken);
    client.send(acmeVitals("ACME-7", "ICU-7", NOW.minusSeconds(10)));

    List<JsonNode> acks = awaitAcks(2);
    JsonNode bad = ack(acks, 1);
    assertThat(bad.path("status").asInt()).isEqualTo(400);
    assertThat(bad.path("body").path("type").asText())
        .isEqualTo("urn:vitalbridge:problem:malformed-payload");
    assertThat(bad.path("body").path("instance").asText()).isEqualTo(PATH + "#1");
    assertThat(ack(acks, 2).path("status").asInt()).isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(f.quarantine()).hasSize(1));
    QuarantineEntry q = f.onlyQuarantined();
    assertThat(q.reason()).isEqualTo("malformed-payload");
    assertThat(f.quarantinedBytes(q)).isEqualTo(utf8(broken));
  }

  @Test
  void aFrameOverTheLimitIsAcknowledged413AndItsBytesAreQuarantined() throws Exception {
    f = ApiFixture.start(tmp, c -> c.withLimits(1024, 0, 10));
    client = WsClient.connect(f.http, f.ws(PATH));
    String big =
        acme("ACME-1", "ICU-1", NOW.minusSeconds(5), "\"note\":\"" + "x".repeat(2000) + "\"");

    client.send(big);
    client.send(acmeVitals("ACME-7", "ICU-7", NOW.minusSeconds(10)));

    List<JsonNode> acks = awaitAcks(2);
    JsonNode tooLarge = ack(acks, 1);
    assertThat(tooLarge.path("status").asInt()).isEqualTo(413);
    assertThat(tooLarge.path("body").path("type").asText())
        .isEqualTo("urn:vitalbridge:problem:payload-too-large");
    assertThat(ack(acks, 2).path("status").asInt()).isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(f.quarantine()).hasSize(1));
    QuarantineEntry q = f.onlyQuarantined();
    assertThat(q.reason()).isEqualTo("payload-too-large");
    byte[] kept = f.quarantinedBytes(q);
    assertThat(kept).isEqualTo(Arrays.copyOf(utf8(big), kept.length));
  }

  @Test
  void aFrameLargerThanJettysDefaultMessageSizeButWithinTheLimitIsIngested() throws Exception {
    f = ApiFixture.start(tmp);
    client = WsClient.connect(f.http, f.ws(PATH));
    // 100 KB: over Jetty's 64 KB default, well within the journal's 1 MB.
    String large =
        acme(
            "ACME-1",
            "ICU-1",
            NOW.minusSeconds(5),
            "\"hr\":71,\"note\":\"" + "x".repeat(100_000) + "\"");

    client.send(large);

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> !client.messages.isEmpty() || client.closed.isDone());
    assertThat(client.closed.isDone())
        .as(
            "closed: %s",
            client.closed.isDone() ? client.closed.handle((c, e) -> c != null ? c : e).join() : "")
        .isFalse();
    assertThat(ack(client.json(), 1).path("status").asInt()).isEqualTo(202);
  }

  @Test
  void aSenderWhoseFramesPileUpUnacknowledgedIsClosedWith1013() throws Exception {
    f = ApiFixture.start(tmp, c -> c.withStreamQueueSize(4));
    client = WsClient.connect(f.http, f.ws(PATH));
    Connection lock = f.lockDatabase();
    try {
      // Nothing commits, so nothing is acknowledged: the fifth frame waiting is one too many.
      for (int i = 0; i < 5; i++) {
        client.send(acmeVitals("ACME-" + i, "ICU-1", NOW.minusSeconds(i + 1)));
      }
      WsClient.Closed closed = client.closed.get(20, TimeUnit.SECONDS);
      assertThat(closed.code()).isEqualTo(1013);
      assertThat(closed.reason()).contains("waiting for acknowledgment");
    } finally {
      ApiFixture.unlock(lock);
    }
  }

  @Test
  void aSenderThatStopsReadingItsAcknowledgmentsIsClosedWith1013() throws Exception {
    f =
        ApiFixture.start(
            tmp,
            ApiFixture.sqlite(tmp).withMaxPayloadBytes(ApiFixture.maxSendBuffer() * 2),
            c -> c.withStreamQueueSize(4));
    // Every reading rejected, the detail quoting the long value (twice): an acknowledgment larger
    // than the socket buffers between the server and a peer that does not read can hold (this
    // peer's receive buffer is 2 KB, the server's send buffer at most tcp_wmem's maximum). So the
    // first acknowledgment never finishes, the next 5 (the limit + 1) wait behind it, and the
    // 7th is one too many.
    int value = ApiFixture.maxSendBuffer() * 5 / 8 + 65_536;
    String rejected =
        acme("ACME-1", "ICU-1", NOW.minusSeconds(5), "\"hr\":\"" + "9x".repeat(value / 2) + "\"");
    try (RawWebSocket sender = RawWebSocket.connect(f.api.port(), PATH, 2048)) {
      for (int i = 1; i <= 7; i++) {
        sender.sendText(utf8(rejected));
        long expected = i;
        // One frame at a time, each committed before the next: never more than 4 waiting for their
        // commit, so it is the unread acknowledgments, not the journal, that close the connection.
        await("frame " + i + " committed")
            .atMost(Duration.ofSeconds(20))
            .pollInterval(Duration.ofMillis(2))
            .until(() -> f.rawCount() >= expected);
      }

      // Reading again, the sender finds the acknowledgment that was being written, then the close.
      RawWebSocket.Frame first = sender.readMessage();
      assertThat(first.opcode()).isEqualTo(0x1);
      assertThat(ApiFixture.JSON.readTree(first.payload()).path("seq").asInt()).isEqualTo(1);
      RawWebSocket.Frame close = sender.readUntilClose();
      assertThat(close.closeCode()).isEqualTo(1013);
      assertThat(close.closeReason()).contains("acknowledgments not read");
    }
  }

  @Test
  void aBadTemplateNameIsRefusedBeforeTheUpgrade() throws Exception {
    f = ApiFixture.start(tmp);

    Throwable refused = null;
    try {
      WsClient.connect(f.http, f.ws("/api/v1/ingest/bad!name/ws")).close();
    } catch (ExecutionException | CompletionException e) {
      refused = e.getCause();
    }

    assertThat(refused).isInstanceOf(WebSocketHandshakeException.class);
    HttpResponse<?> r = ((WebSocketHandshakeException) refused).getResponse();
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
  }
}
