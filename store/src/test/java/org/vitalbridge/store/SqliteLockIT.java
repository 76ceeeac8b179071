package org.vitalbridge.store;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One SQLite store, one VitalBridge process: the store file is locked across processes, and the
 * lock holds for as long as the owner keeps the store open.
 */
@Timeout(60)
class SqliteLockIT {
  private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

  @TempDir Path tmp;

  private static Store open(StoreConfig config) {
    return Store.open(config, TestPipeline.standard(), Clock.systemUTC(), RetentionPolicy.DEFAULT);
  }

  private List<String> childArgs(String mode, StoreConfig config) {
    List<String> args = new ArrayList<>(List.of(mode));
    args.addAll(CrashIngestMain.args(config));
    return args;
  }

  @Test
  void aStoreHeldByAnotherProcessIsRefusedWithAClearMessage() throws Exception {
    StoreConfig config = StoreConfig.sqlite(tmp.resolve("held.db"));
    try (ChildJvm holder = ChildJvm.start(tmp, childArgs("hold", config))) {
      await("holder ready")
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                if (!holder.process().isAlive()) {
                  throw new AssertionError("holder ended: " + holder.describe());
                }
                return holder.lines().stream().anyMatch(l -> l.startsWith("READY"));
              });

      assertThatThrownBy(() -> open(config))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("in use by another VitalBridge process");

      holder.kill();
    }
    // The OS released the dead holder's lock: the store opens again.
    try (Store store = open(config)) {
      store.journal().append(TestPipeline.spo2("after-1", "D1", T0, 97)).get(10, SECONDS);
      assertThat(store.retention().usage().rawCount()).isEqualTo(1);
    }
  }

  /**
   * A refused second open inside the owning JVM must not weaken the owner's lock: POSIX record
   * locks belong to the process, and closing any descriptor of the lock file drops all of them.
   */
  @Test
  void aRefusedSecondOpenInTheOwningProcessKeepsOtherProcessesOut() throws Exception {
    StoreConfig config = StoreConfig.sqlite(tmp.resolve("owned.db"));
    try (Store owner = open(config)) {
      assertThatThrownBy(() -> open(config)).isInstanceOf(StoreException.class);

      try (ChildJvm probe = ChildJvm.start(tmp, childArgs("probe", config))) {
        assertThat(probe.process().waitFor(30, SECONDS)).as(probe.describe()).isTrue();
        probe.awaitOutputEnd(Duration.ofSeconds(10));
        assertThat(probe.lines())
            .as("another process trying to open the owned store: %s", probe.describe())
            .anyMatch(l -> l.startsWith("REFUSED") && l.contains("in use by another VitalBridge"))
            .noneMatch(l -> l.startsWith("OPENED"));
      }
      owner.journal().append(TestPipeline.spo2("owned-1", "D1", T0, 97)).get(10, SECONDS);
    }
  }
}
