package org.vitalbridge.server.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A value built from files, built again when one of them changes (modification time or size),
 * looked at no more often than every {@code interval}. A rebuild that fails (a file half written, a
 * key that does not match) keeps the previous value and is logged, so a bad rotation never takes a
 * listener down; the next change is tried again.
 */
final class Reloading<T> {
  private static final Logger log = LoggerFactory.getLogger(Reloading.class);

  private final String what;
  private final List<Path> files;
  private final Supplier<T> build;
  private final long intervalNanos;
  private volatile T current;
  private List<Stamp> stamps;
  private long checkedAt;

  private record Stamp(long modified, long size) {}

  /** Builds now: a failure here is a configuration error for the caller to report. */
  Reloading(String what, List<Path> files, Duration interval, Supplier<T> build) {
    this.what = what;
    this.files = List.copyOf(files);
    this.build = build;
    this.intervalNanos = interval.toNanos();
    this.stamps = stamps();
    this.current = Objects.requireNonNull(build.get());
    this.checkedAt = System.nanoTime();
  }

  /** The value, rebuilt first when a file changed since it was built. */
  T get() {
    long now = System.nanoTime();
    synchronized (this) {
      if (now - checkedAt >= intervalNanos) {
        checkedAt = now;
        List<Stamp> seen = stamps();
        if (!seen.equals(stamps)) {
          try {
            current = Objects.requireNonNull(build.get());
            stamps = seen;
            log.info("{}: reloaded after a change of {}", what, files);
          } catch (RuntimeException e) {
            // Not remembered as seen: tried again at the next check, when the writer may be done.
            log.warn(
                "{}: changed files not used, keeping the previous ones: {}", what, e.getMessage());
          }
        }
      }
    }
    return current;
  }

  private List<Stamp> stamps() {
    List<Stamp> out = new ArrayList<>(files.size());
    for (Path f : files) {
      try {
        out.add(new Stamp(Files.getLastModifiedTime(f).toMillis(), Files.size(f)));
      } catch (IOException e) {
        out.add(new Stamp(-1, -1));
      }
    }
    return out;
  }
}
