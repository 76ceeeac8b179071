package org.vitalbridge.mqtt;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one connection's tasks in order, one at a time, on a shared pool: a device's messages are
 * decoded and journaled in the order it sent them (and its presence reports stay ordered) while
 * other connections use the other threads.
 */
final class SerialExecutor implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

  /** Tasks run before the thread is handed back, so a busy device cannot starve the others. */
  private static final int FAIR_SHARE = 32;

  private final Executor pool;
  private final Queue<Runnable> tasks = new ArrayDeque<>();
  private boolean running;

  SerialExecutor(Executor pool) {
    this.pool = pool;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (tasks) {
      tasks.add(task);
      if (running) {
        return;
      }
      running = true;
    }
    schedule();
  }

  private void schedule() {
    try {
      pool.execute(this::drain);
    } catch (RejectedExecutionException e) {
      // The pool is shut down: VitalBridge is stopping, what is queued is dropped.
      synchronized (tasks) {
        log.debug("{} queued MQTT tasks dropped at shutdown", tasks.size());
        tasks.clear();
        running = false;
      }
    }
  }

  private void drain() {
    for (int done = 0; done < FAIR_SHARE; done++) {
      Runnable next;
      synchronized (tasks) {
        next = tasks.poll();
        if (next == null) {
          running = false;
          return;
        }
      }
      try {
        next.run();
      } catch (RuntimeException e) {
        // A task's failure is its own; the connection's later tasks still run.
        log.error("MQTT task failed", e);
      }
    }
    schedule();
  }
}
