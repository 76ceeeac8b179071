package org.vitalbridge.store;

import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background thread of a destination: runs delivery rounds, pauses as long as the destination
 * asks when a round sent nothing, pauses briefly after an unexpected failure (the outbox keeps the
 * entries), and stops on {@link #close}.
 */
public final class DeliveryLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeliveryLoop.class);
  private static final Duration AFTER_FAILURE = Duration.ofMillis(500);

  /** One delivery round; returns how many entries left the queue. */
  public interface Round {
    int deliver();
  }

  private final String name;
  private final Round round;
  private final Supplier<Duration> idlePause;
  private volatile boolean running;
  private Thread thread;

  /**
   * @param name thread name, also used in log lines
   * @param idlePause how long to wait after a round that sent nothing
   */
  public DeliveryLoop(String name, Round round, Supplier<Duration> idlePause) {
    this.name = name;
    this.round = round;
    this.idlePause = idlePause;
  }

  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    thread = new Thread(this::loop, name);
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (running) {
      try {
        if (round.deliver() == 0) {
          Thread.sleep(idlePause.get().toMillis());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        log.error("{}: {}", name, e.getMessage());
        try {
          Thread.sleep(AFTER_FAILURE.toMillis());
        } catch (InterruptedException stop) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Stops the thread, waiting up to 10 s for the round in progress. */
  @Override
  public void close() {
    running = false;
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      t.interrupt();
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
