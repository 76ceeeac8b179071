package org.vitalbridge.devices.serial;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.model.RawMessageIds;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;
import org.vitalbridge.store.Ingestor;
import org.vitalbridge.store.JournalOverloadedException;

/**
 * The read loop of one port: open (and reopen after the cable is pulled), read, reassemble lines,
 * journal each line — and each run of garbage as a refusal, so it is quarantined, never lost. A
 * serial device cannot be acknowledged; the journal commit is what makes a line durable, so the
 * loop waits for it before reading on (the OS buffer holds what arrives meanwhile).
 */
final class SerialReader implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(SerialReader.class);
  static final String ADAPTER = "serial";

  /** How long one line may wait for the journal, overload retries included. */
  private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(30);

  private final SerialPortConfig config;
  private final SerialLink.Opener opener;
  private final Ingestor ingestor;
  private final Clock clock;
  private final String contentType;
  private volatile boolean running = true;
  private volatile boolean connected;
  private volatile SerialLink link;
  private final Object pause = new Object();
  final AtomicLong lines = new AtomicLong();
  final AtomicLong garbage = new AtomicLong();
  final AtomicLong connects = new AtomicLong();
  final AtomicLong lost = new AtomicLong();

  SerialReader(SerialPortConfig config, SerialLink.Opener opener, Ingestor ingestor, Clock clock) {
    this.config = config;
    this.opener = opener;
    this.ingestor = ingestor;
    this.clock = clock;
    this.contentType = config.contentType();
  }

  boolean connected() {
    return connected;
  }

  @Override
  public void run() {
    byte[] buf = new byte[4096];
    String lastFailure = null;
    while (running) {
      SerialLink l;
      try {
        l = opener.open(config);
      } catch (IOException | RuntimeException e) {
        // Logged once per outage, not once per attempt.
        if (!String.valueOf(e.getMessage()).equals(lastFailure)) {
          log.warn(
              "serial port {} not available ({}); retrying every {}",
              config.port(),
              e.getMessage(),
              config.reconnectInterval());
          lastFailure = String.valueOf(e.getMessage());
        }
        sleep(config.reconnectInterval());
        continue;
      }
      lastFailure = null;
      link = l;
      connected = true;
      connects.incrementAndGet();
      log.info("serial port {} open ({} protocol)", config.port(), config.protocol());
      String why = readUntilGone(l, buf);
      connected = false;
      link = null;
      l.close();
      if (running) {
        log.warn(
            "serial port {} lost ({}); reconnecting every {}",
            config.port(),
            why,
            config.reconnectInterval());
        sleep(config.reconnectInterval());
      }
    }
  }

  /** Reads until the port goes away or the reader stops; returns why it ended. */
  private String readUntilGone(SerialLink l, byte[] buf) {
    LineAssembler lines = new LineAssembler(config.maxLineBytes());
    long lastByte = System.nanoTime();
    try {
      while (running) {
        int n = l.read(buf);
        if (n < 0) {
          flush(lines, "the port went away");
          return "read failed";
        }
        if (n == 0) {
          if (lines.pending() && System.nanoTime() - lastByte > config.readTimeout().toNanos()) {
            flush(lines, "no line end within " + config.readTimeout());
          }
          if (!l.present()) {
            flush(lines, "the port went away");
            return "port disappeared";
          }
          continue;
        }
        lastByte = System.nanoTime();
        for (LineAssembler.Piece piece : lines.feed(buf, 0, n)) {
          journal(piece);
        }
      }
      flush(lines, "the reader stopped");
      return "stopped";
    } catch (IOException | RuntimeException e) {
      flush(lines, "the port failed");
      return e.toString();
    }
  }

  private void flush(LineAssembler lines, String why) {
    LineAssembler.Piece.Garbage g = lines.flush(why);
    if (g != null) {
      journal(g);
    }
  }

  private void journal(LineAssembler.Piece piece) {
    byte[] bytes =
        piece instanceof LineAssembler.Piece.Line line
            ? line.bytes()
            : ((LineAssembler.Piece.Garbage) piece).bytes();
    RawMessage raw =
        new RawMessage(
            RawMessageIds.next(clock),
            bytes,
            contentType,
            ADAPTER,
            config.port(),
            null,
            clock.instant());
    long deadline = System.nanoTime() + COMMIT_TIMEOUT.toNanos();
    while (true) {
      try {
        if (piece instanceof LineAssembler.Piece.Garbage g) {
          ingestor
              .refuse(
                  raw,
                  new Rejection(
                      RejectionReason.MALFORMED_PAYLOAD,
                      null,
                      "serial bytes that are not a line ("
                          + g.why()
                          + ", "
                          + bytes.length
                          + " bytes)"))
              .get(COMMIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
          garbage.incrementAndGet();
        } else {
          ingestor.submit(raw).get(COMMIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
          this.lines.incrementAndGet();
        }
        log.debug("serial {}: journaled {} ({} bytes)", config.port(), raw.id(), bytes.length);
        return;
      } catch (ExecutionException e) {
        if (e.getCause() instanceof JournalOverloadedException
            && System.nanoTime() < deadline
            && running) {
          // The device cannot be told to wait; the OS buffer holds its bytes meanwhile.
          sleep(Duration.ofMillis(50));
          continue;
        }
        lostOne(raw, e.getCause());
        return;
      } catch (TimeoutException e) {
        lostOne(raw, e);
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        lostOne(raw, e);
        return;
      }
    }
  }

  private void lostOne(RawMessage raw, Throwable why) {
    lost.incrementAndGet();
    // Never the payload: a line may carry patient data.
    log.error(
        "serial {}: could not journal {} ({} bytes): {}",
        config.port(),
        raw.id(),
        raw.size(),
        String.valueOf(why));
  }

  private void sleep(Duration d) {
    synchronized (pause) {
      try {
        if (running) {
          pause.wait(Math.max(1, d.toMillis()));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
      }
    }
  }

  void stop() {
    running = false;
    synchronized (pause) {
      pause.notifyAll();
    }
  }
}
