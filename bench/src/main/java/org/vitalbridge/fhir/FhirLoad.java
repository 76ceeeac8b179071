package org.vitalbridge.fhir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.vitalbridge.bench.BenchFixtures;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.core.terminology.TerminologyLoader;
import org.vitalbridge.store.RetentionPolicy;
import org.vitalbridge.store.Store;
import org.vitalbridge.store.StoreConfig;

/**
 * End-to-end FHIR delivery load run: MESSAGES ACME payloads (6 readings, one of them a NIBP panel
 * of three) are journaled and processed, then the FHIR destination in batch mode drains the outbox
 * into the in-process HAPI FHIR server of the fhir tests. Reports measurements delivered per
 * second.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar org.vitalbridge.fhir.FhirLoad [MESSAGES] [MAX_BATCH]
 * </pre>
 */
public final class FhirLoad {
  private FhirLoad() {}

  public static void main(String[] args) throws Exception {
    int messages = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    int maxBatch = args.length > 1 ? Integer.parseInt(args[1]) : 500;
    Path dir = Files.createTempDirectory("vitalbridge-fhir-load");
    var terms = TerminologyLoader.shipped();
    MessageProcessor processor =
        BenchFixtures.processor(
            Path.of(System.getProperty("vitalbridge.templates", "config/templates")));
    try (Store store =
            Store.open(
                StoreConfig.sqlite(dir.resolve("vb.db")).withDestinations(List.of("fhir")),
                processor,
                Clock.systemUTC(),
                RetentionPolicy.DEFAULT);
        InMemoryFhirServer server = InMemoryFhirServer.started()) {
      CompletableFuture<?>[] acks = new CompletableFuture<?>[messages];
      for (int i = 0; i < messages; i++) {
        acks[i] =
            store
                .journal()
                .append(
                    new RawMessage(
                        "m-" + i,
                        payload(i),
                        "application/json",
                        "load",
                        null,
                        null,
                        Instant.now()));
      }
      CompletableFuture.allOf(acks).join();
      store.pipeline().drain();
      long measurements = store.measurements().count();
      FhirDestination destination =
          new FhirDestination(
              FhirDestinationConfig.batch(
                  "fhir", server.baseUrl(), maxBatch, Duration.ofMillis(200)),
              store.outbox(),
              new FhirTransactionMapper(terms, FhirMappingOptions.DEFAULTS),
              Clock.systemUTC(),
              null);
      long t0 = System.nanoTime();
      long delivered = 0;
      while (store.outbox().backlog("fhir") > 0) {
        delivered += destination.deliverOnce();
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf(
          "FHIR batch (maxBatch %d, gzip): %d measurements (%d Observations on the server) in %.2f s"
              + " = %.0f measurements/s%n",
          maxBatch, delivered, server.observationCount(), seconds, delivered / seconds);
      if (delivered != measurements) {
        throw new IllegalStateException("delivered " + delivered + " of " + measurements);
      }
    }
  }

  private static byte[] payload(int i) {
    return String.format(
            "{\"model\":\"ACME-BM5\",\"deviceId\":\"ACME-%06d\",\"bed\":\"ICU-%d\",\"ts\":%d,\"hr\":72,"
                + "\"spo2\":97,\"nibp\":{\"sys\":120,\"dia\":80,\"map\":93},\"temp_f\":98.6}",
            i, i % 20, 1764065700000L + i)
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
