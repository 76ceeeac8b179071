package org.vitalbridge.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durability proof. A child JVM ingests from several threads and prints {@code ACK <id>;} only
 * after each append future completed; it is killed with SIGKILL mid-stream. The store is then
 * reopened and drained: every acknowledged message must be in the journal exactly once, processing
 * must complete, and there must be exactly one measurement (and one outbox row) per good message.
 */
class CrashRecoveryIT {
  private static final Pattern ACK = Pattern.compile("^ACK (k-\\d+-\\d+);$");
  private static final int MIN_ACKS = 400;
  private static final int THREADS = 8;

  @TempDir Path tmp;

  private String schema;

  @AfterEach
  void dropSchema() throws SQLException {
    PostgresSupport.dropSchema(schema);
  }

  @Test
  @Timeout(60)
  void sqliteSurvivesKillDashNine() throws Exception {
    crashAndRecover(StoreConfig.sqlite(tmp.resolve("crash.db")));
  }

  /** NORMAL syncs the WAL only at checkpoints: still safe against a process kill. */
  @Test
  @Timeout(60)
  void sqliteWithSynchronousNormalSurvivesKillDashNine() throws Exception {
    crashAndRecover(
        StoreConfig.sqlite(tmp.resolve("crash-normal.db")).withSqliteSynchronous("NORMAL"));
  }

  @Test
  @Timeout(60)
  void postgresqlSurvivesKillDashNine() throws Exception {
    PostgresSupport.requireAvailable();
    schema = PostgresSupport.newSchemaName();
    crashAndRecover(PostgresSupport.config(schema));
  }

  private void crashAndRecover(StoreConfig backend) throws Exception {
    StoreConfig config = backend.withDestinations(List.of(CrashIngestMain.DESTINATION));
    List<String> args = new ArrayList<>(List.of("ingest"));
    args.addAll(CrashIngestMain.args(config));
    args.add(Integer.toString(THREADS));

    List<String> output;
    try (ChildJvm child = ChildJvm.start(tmp, args)) {
      await("child acknowledges " + MIN_ACKS + " messages")
          .atMost(Duration.ofSeconds(40))
          .pollInterval(Duration.ofMillis(20))
          .until(
              () -> {
                if (!child.process().isAlive()) {
                  throw new AssertionError("child ended before the kill: " + child.describe());
                }
                return acks(child.lines()).size() >= MIN_ACKS;
              });

      child.kill();
      child.awaitOutputEnd(Duration.ofSeconds(10));
      output = List.copyOf(child.lines());
      assertThat(output)
          .as("a SIGKILLed JVM runs no shutdown hook, and nothing failed: %s", child.describe())
          .doesNotContain("SHUTDOWN-HOOK", "TIMEOUT")
          .noneMatch(l -> l.startsWith("FAILED"));
    }
    List<String> ackLines = acks(output);
    Set<String> acked = new HashSet<>(ackLines);
    assertThat(ackLines).as("each id acknowledged once").hasSize(acked.size());
    assertThat(acked).hasSizeGreaterThanOrEqualTo(MIN_ACKS);

    try (Store store =
        Store.open(config, TestPipeline.standard(), Clock.systemUTC(), RetentionPolicy.DEFAULT)) {
      // Every acknowledged message was committed before the kill: it is in the journal, once.
      List<String> journaled = TestDb.strings(config, "SELECT id FROM raw_message ORDER BY seq");
      Set<String> journaledSet = new HashSet<>(journaled);
      assertThat(journaled).as("no id journaled twice").hasSize(journaledSet.size());
      assertThat(journaledSet).as("acknowledged ⊆ journaled").containsAll(acked);

      long before = store.pipeline().position();
      long processed = store.pipeline().drain();
      System.out.printf(
          "[%s] acknowledged %d, journaled %d, pipeline position at kill %d, recovered %d%n",
          config.backend(), acked.size(), journaled.size(), before, processed);

      long maxSeq = TestDb.scalar(config, "SELECT MAX(seq) FROM raw_message");
      assertThat(store.pipeline().position()).isEqualTo(maxSeq);
      assertThat(TestDb.scalar(config, "SELECT COUNT(*) FROM raw_message WHERE state = 'pending'"))
          .isZero();

      Set<String> good =
          journaledSet.stream().filter(CrashIngestMain::isGood).collect(Collectors.toSet());
      Set<String> bad =
          journaledSet.stream()
              .filter(id -> !CrashIngestMain.isGood(id))
              .collect(Collectors.toSet());
      assertThat(bad).as("the run includes quarantined messages").isNotEmpty();

      List<String> measured = TestDb.strings(config, "SELECT raw_id FROM measurement");
      assertThat(measured).as("one measurement per good message").hasSize(good.size());
      assertThat(new HashSet<>(measured)).isEqualTo(good);
      assertThat(store.measurements().count()).isEqualTo(good.size());
      assertThat(TestDb.scalar(config, "SELECT COUNT(*) FROM outbox")).isEqualTo(good.size());
      assertThat(
              TestDb.scalar(
                  config,
                  "SELECT COUNT(DISTINCT measurement_id) FROM outbox WHERE destination = ?",
                  CrashIngestMain.DESTINATION))
          .isEqualTo(good.size());

      List<String> quarantined =
          TestDb.strings(config, "SELECT raw_id FROM quarantine WHERE resolved_at IS NULL");
      assertThat(quarantined).as("one open rejection per bad message").hasSize(bad.size());
      assertThat(new HashSet<>(quarantined)).isEqualTo(bad);
      List<String> states =
          TestDb.strings(config, "SELECT id || ' ' || state FROM raw_message ORDER BY seq");
      assertThat(states)
          .allMatch(
              s ->
                  s.endsWith(CrashIngestMain.isGood(s.split(" ")[0]) ? " processed" : " rejected"));
      assertThat(store.pipeline().drain()).as("a second drain finds nothing").isZero();
    }
  }

  private static List<String> acks(List<String> lines) {
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      Matcher m = ACK.matcher(line);
      if (m.matches()) {
        out.add(m.group(1));
      }
    }
    return out;
  }
}
