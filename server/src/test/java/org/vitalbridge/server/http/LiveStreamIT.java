package org.vitalbridge.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vitalbridge.server.http.ApiFixture.NOW;
import static org.vitalbridge.server.http.ApiFixture.acme;
import static org.vitalbridge.server.http.ApiFixture.acmeVitals;
import static org.vitalbridge.server.http.ApiFixture.json;
import static org.vitalbridge.server.http.ApiFixture.strings;
import static org.vitalbridge.server.http.ApiFixture.utf8;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code /api/v1/stream}: committed measurements, live, filtered, never slowed by a subscriber. */
class LiveStreamIT {
  static final String SINGLE = "/api/v1/ingest/acme-bedside";
  static final int SPO2 = 150456;

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

  private WsClient subscribe(String query) throws Exception {
    int before = f.api.streamSubscribers();
    WsClient c = WsClient.connect(f.http, f.ws("/api/v1/stream" + query));
    await().atMost(Duration.ofSeconds(20)).until(() -> f.api.streamSubscribers() == before + 1);
    return c;
  }

  private List<String> ingest(String payload) throws Exception {
    HttpResponse<byte[]> r = f.post(SINGLE, "application/json", utf8(payload));
    assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(202);
    return strings(json(r).path("items").get(0).path("measurementIds"));
  }

  /** Waits until the frame of measurement {@code id} arrived; returns every frame so far. */
  private List<JsonNode> awaitFrame(WsClient c, String id) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> c.json().stream().anyMatch(m -> m.path("id").asText().equals(id)));
    return c.json();
  }

  @Test
  void aSubscriberReceivesEachCommittedMeasurementAsAJsonFrame() throws Exception {
    f = ApiFixture.start(tmp);
    client = subscribe("");
    Instant observed = NOW.minusSeconds(30);

    List<String> ids = ingest(acmeVitals("ACME-0042", "ICU-3", observed));

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(client.json())
                    .extracting(m -> m.path("id").asText())
                    .containsExactlyInAnyOrderElementsOf(ids));
    JsonNode spo2 =
        client.json().stream()
            .filter(m -> m.path("metric").path("mdc").asInt() == SPO2)
            .findFirst()
            .orElseThrow();
    assertThat(spo2.path("kind").asText()).isEqualTo("measurement");
    assertThat(spo2.path("device").asText()).isEqualTo("ACME-0042");
    assertThat(spo2.path("bed").asText()).isEqualTo("ICU-3");
    assertThat(spo2.path("patient").isNull()).isTrue();
    assertThat(spo2.path("metric").path("refid").asText()).isEqualTo("MDC_PULS_OXIM_SAT_O2");
    assertThat(spo2.path("value").path("type").asText()).isEqualTo("quantity");
    assertThat(spo2.path("value").path("number").decimalValue()).isEqualByComparingTo("97");
    assertThat(spo2.path("value").path("unit").asText()).isEqualTo("%");
    assertThat(Instant.parse(spo2.path("observedAt").asText())).isEqualTo(observed);
    assertThat(spo2.path("adapter").asText()).isEqualTo("http");
    assertThat(spo2.path("rawId").asText()).isNotBlank();
  }

  @Test
  void aDeviceFilterLeavesOtherDevicesOut() throws Exception {
    f = ApiFixture.start(tmp);
    client = subscribe("?device=ACME-B");

    ingest(acmeVitals("ACME-A", "ICU-1", NOW.minusSeconds(20)));
    List<String> wanted = ingest(acmeVitals("ACME-B", "ICU-2", NOW.minusSeconds(10)));

    // The frames of one stream arrive in commit order: once B's are in, A's would have been too.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(client.json())
                    .extracting(m -> m.path("id").asText())
                    .containsExactlyInAnyOrderElementsOf(wanted));
    assertThat(client.json())
        .allSatisfy(m -> assertThat(m.path("device").asText()).isEqualTo("ACME-B"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"150456", "MDC_PULS_OXIM_SAT_O2", "59408-5"})
  void aMetricFilterByMdcCodeReferenceIdOrLoincSelectsThatMetric(String metric) throws Exception {
    f = ApiFixture.start(tmp);
    client = subscribe("?metric=" + metric);

    ingest(acmeVitals("ACME-0042", "ICU-3", NOW.minusSeconds(20)));
    ingest(acme("ACME-0042", "ICU-3", NOW.minusSeconds(15), "\"hr\":70"));
    List<String> last = ingest(acme("ACME-0042", "ICU-3", NOW.minusSeconds(10), "\"spo2\":95"));

    List<JsonNode> frames = awaitFrame(client, last.get(0));
    assertThat(frames).hasSize(2);
    assertThat(frames)
        .allSatisfy(m -> assertThat(m.path("metric").path("mdc").asInt()).isEqualTo(SPO2));
  }

  @Test
  void aBedFilterSelectsThatBed() throws Exception {
    f = ApiFixture.start(tmp);
    client = subscribe("?bed=ICU-3");

    ingest(acmeVitals("ACME-1", "ICU-4", NOW.minusSeconds(20)));
    List<String> wanted = ingest(acme("ACME-2", "ICU-3", NOW.minusSeconds(10), "\"spo2\":95"));

    List<JsonNode> frames = awaitFrame(client, wanted.get(0));
    assertThat(frames).hasSize(1);
    assertThat(frames.get(0).path("bed").asText()).isEqualTo("ICU-3");
    assertThat(frames.get(0).path("device").asText()).isEqualTo("ACME-2");
  }

  @Test
  void aPatientFilterSelectsTheMeasurementsAttributedToThatPatient() throws Exception {
    f = ApiFixture.start(tmp);
    f.store.associations().associate(null, "ICU-3", "PAT-1", null, NOW.minusSeconds(3600), "test");
    client = subscribe("?patient=PAT-1");

    ingest(acmeVitals("ACME-1", "ICU-4", NOW.minusSeconds(20)));
    List<String> wanted = ingest(acme("ACME-2", "ICU-3", NOW.minusSeconds(10), "\"spo2\":95"));

    List<JsonNode> frames = awaitFrame(client, wanted.get(0));
    assertThat(frames).hasSize(1);
    assertThat(frames.get(0).path("patient").asText()).isEqualTo("PAT-1");
    assertThat(frames.get(0).path("bed").asText()).isEqualTo("ICU-3");
  }

  @Test
  void filtersOnPatientOrBedDoNotKeepMeasurementsWithoutThemFromOtherSubscribers()
      throws Exception {
    f = ApiFixture.start(tmp);
    List<WsClient> filtered = new ArrayList<>();
    try {
      for (String q : List.of("?patient=PAT-1", "?bed=ICU-1", "?patient=PAT-2", "?bed=ICU-2")) {
        filtered.add(subscribe(q));
      }
      client = subscribe("");

      // No bed and no patient: nothing for the filtered subscribers, everything for the other.
      List<String> first = ingest(acme("ACME-1", "", NOW.minusSeconds(20), "\"hr\":70"));
      List<String> ids =
          ingest(
              "{\"model\":\"ACME-BM5\",\"deviceId\":\"ACME-2\",\"ts\":"
                  + NOW.minusSeconds(10).toEpochMilli()
                  + ",\"hr\":71,\"spo2\":96}");

      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(client.json())
                      .extracting(m -> m.path("id").asText())
                      .containsAll(first)
                      .containsAll(ids));
      assertThat(filtered).allSatisfy(c -> assertThat(c.messages).isEmpty());
    } finally {
      filtered.forEach(WsClient::close);
    }
  }

  @Test
  void filtersCombineAndTakeSeveralValues() throws Exception {
    f = ApiFixture.start(tmp);
    client = subscribe("?device=ACME-1,ACME-3&metric=150456");

    ingest(acmeVitals("ACME-1", "ICU-1", NOW.minusSeconds(40)));
    ingest(acmeVitals("ACME-2", "ICU-2", NOW.minusSeconds(30)));
    List<String> last = ingest(acme("ACME-3", "ICU-3", NOW.minusSeconds(20), "\"spo2\":95"));

    List<JsonNode> frames = awaitFrame(client, last.get(0));
    assertThat(frames)
        .extracting(m -> m.path("device").asText() + "/" + m.path("metric").path("mdc").asInt())
        .containsExactly("ACME-1/150456", "ACME-3/150456");
  }

  @Test
  void aStalledSubscriberNeitherBlocksIngestNorOtherSubscribersAndIsDropped() throws Exception {
    f = ApiFixture.start(tmp, c -> c.withStreamQueueSize(4));
    client = subscribe("?device=ACME-LIVE");
    int before = f.api.streamSubscribers();
    // Completes the upgrade, then never reads: the server's writes to it stall once the socket
    // buffers are full, and its queue of 4 fills up.
    try (RawWebSocket stalled = RawWebSocket.connect(f.api.port(), "/api/v1/stream", 2048)) {
      await().atMost(Duration.ofSeconds(20)).until(() -> f.api.streamSubscribers() == before + 1);

      // Each round: 300 payloads of 6 measurements, some 700 KB of frames. Three times what the
      // socket buffers can hold is more than enough to fill them.
      int maxRounds = 3 * ApiFixture.maxSendBuffer() / 700_000 + 5;
      int rounds = 0;
      while (f.api.streamSubscribers() > before) {
        assertThat(rounds++).as("the stalled subscriber is never dropped").isLessThan(maxRounds);
        Instant base = NOW.minusSeconds(3600).plusSeconds(rounds);
        String ndjson =
            IntStream.range(0, 300)
                .mapToObj(
                    i ->
                        acme(
                            "ACME-STALL",
                            "ICU-9",
                            base.plusMillis(i),
                            "\"hr\":72,\"spo2\":97,\"nibp\":{\"sys\":120,\"dia\":80,\"map\":93},"
                                + "\"temp_f\":98.6"))
                .collect(Collectors.joining("\n"));
        HttpResponse<byte[]> r =
            f.post("/api/v1/ingest/acme-bedside/batch", "application/x-ndjson", utf8(ndjson));
        assertThat(r.statusCode()).isEqualTo(202);
        // Let the pipeline publish what was committed before judging whether it was dropped.
        f.store.pipeline().drain();
      }

      assertThat(f.api.streamSubscribers()).isEqualTo(before);
      // Ingest goes on, and the subscriber that reads still gets what it asked for.
      List<String> live = ingest(acme("ACME-LIVE", "ICU-8", NOW.minusSeconds(5), "\"spo2\":96"));
      awaitFrame(client, live.get(0));
      assertThat(client.json())
          .allSatisfy(m -> assertThat(m.path("device").asText()).isEqualTo("ACME-LIVE"));
    }
  }

  @Test
  void aSubscriberThatClosesIsForgotten() throws Exception {
    f = ApiFixture.start(tmp);
    WsClient c = subscribe("");

    c.close();

    await().atMost(Duration.ofSeconds(20)).until(() -> f.api.streamSubscribers() == 0);
    ingest(acmeVitals("ACME-1", "ICU-1", NOW.minusSeconds(5)));
  }
}
