package org.vitalbridge.mqtt;

import java.time.Duration;

/**
 * Messages taken but not yet answered, so that closing lets their commits answer first instead of
 * cutting them off.
 */
final class InFlight {
  private int count;

  synchronized void begin() {
    count++;
  }

  synchronized void end() {
    if (--count == 0) {
      notifyAll();
    }
  }

  synchronized int count() {
    return count;
  }

  /** Waits until nothing is in flight, or {@code timeout}; {@code true} when all answered. */
  synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (count > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }
}
