package org.vitalbridge.devices.phd;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;
import org.vitalbridge.store.Ingestor;

/**
 * One agent's TCP connection: reads APDUs by their header, drives its {@link PhdManager}, journals
 * reports through the {@link Ingestor} and answers a confirmed report only once its journal commit
 * completed. Bytes that do not frame as APDUs are quarantined and end the connection (the stream
 * cannot be resynchronized).
 */
final class PhdConnection {
  private static final Logger log = LoggerFactory.getLogger(PhdConnection.class);

  private final Socket socket;
  private final PhdListenerConfig config;
  private final Ingestor ingestor;
  private final Clock clock;
  private final PhdManager manager;
  private final String remote;
  private final String connectionId = UUID.randomUUID().toString();

  /** Guards the manager and the output: the listener's shutdown releases from another thread. */
  private final Object lock = new Object();

  private OutputStream out;
  private int associations;

  PhdConnection(
      Socket socket,
      PhdListenerConfig config,
      Ingestor ingestor,
      Clock clock,
      Map<String, byte[]> configCache) {
    this.socket = socket;
    this.config = config;
    this.ingestor = ingestor;
    this.clock = clock;
    this.manager = new PhdManager(configCache, config.zone());
    this.remote = String.valueOf(socket.getRemoteSocketAddress());
  }

  /** Thrown when the peer's bytes stopped mid-APDU or are not APDUs. */
  private static final class Garbage extends IOException {
    final byte[] bytes;

    Garbage(byte[] bytes, String why) {
      super(why);
      this.bytes = bytes;
    }
  }

  void serve() throws IOException {
    socket.setTcpNoDelay(true);
    InputStream in = socket.getInputStream();
    synchronized (lock) {
      out = socket.getOutputStream();
    }
    while (true) {
      Duration wait;
      synchronized (lock) {
        wait = manager.deadline().orElse(config.idleTimeout());
      }
      socket.setSoTimeout(millis(wait));
      byte[] apdu;
      try {
        apdu = readApdu(in);
      } catch (SocketTimeoutException e) {
        synchronized (lock) {
          if (manager.deadline().isPresent()) {
            log.info("PHD {}: agent too slow in state {}, aborting", remote, manager.state());
            send(manager.timedOut());
            continue;
          }
          abortIfAssociated();
        }
        log.debug("PHD {} idle, closed", remote);
        return;
      } catch (Garbage g) {
        log.info(
            "PHD {}: {} ({} bytes quarantined), closing", remote, g.getMessage(), g.bytes.length);
        synchronized (lock) {
          abortIfAssociated();
        }
        quarantine(g.bytes, new Rejection(RejectionReason.MALFORMED_PAYLOAD, null, g.getMessage()));
        return;
      }
      if (apdu == null) {
        return; // orderly close by the agent
      }
      if (((apdu[0] & 0xFF) << 8 | (apdu[1] & 0xFF)) == Phd.AARQ) {
        associations++;
      }
      PhdManager.Step step;
      synchronized (lock) {
        step = manager.receive(apdu);
        for (byte[] reply : step.replies()) {
          send(reply);
        }
      }
      if (step.malformed() != null) {
        quarantine(apdu, step.malformed());
      }
      for (PhdManager.Report report : step.reports()) {
        if (journal(report) && report.replyAfterCommit() != null) {
          synchronized (lock) {
            send(report.replyAfterCommit());
          }
        }
      }
    }
  }

  /** Journals a report and waits for the commit; false when it was not committed in time. */
  private boolean journal(PhdManager.Report report) {
    RawMessage raw =
        new RawMessage(
            rawId(report.payload()),
            report.payload(),
            report.contentType(),
            PhdListener.ADAPTER,
            remote,
            null,
            clock.instant());
    try {
      ingestor.submit(raw).get(config.commitTimeout().toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (ExecutionException | TimeoutException e) {
      // Unanswered, a confirmed report is resent by the agent (same bytes, same raw id: stored
      // once).
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      log.warn(
          "PHD {}: report from {} not journaled: {}", remote, report.deviceId(), cause.toString());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void quarantine(byte[] bytes, Rejection why) {
    RawMessage raw =
        new RawMessage(
            rawId(bytes),
            bytes,
            "application/octet-stream",
            PhdListener.ADAPTER,
            remote,
            null,
            clock.instant());
    try {
      ingestor.refuse(raw, why).get(config.commitTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.warn("PHD {}: refused bytes not journaled: {}", remote, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Same bytes in the same association, same id: an agent's resend of an unanswered confirmed
   * report is journaled once. The same report in another association is another message.
   */
  private String rawId(byte[] payload) {
    byte[] prefix = (connectionId + "/" + associations + "/").getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[prefix.length + payload.length];
    System.arraycopy(prefix, 0, all, 0, prefix.length);
    System.arraycopy(payload, 0, all, prefix.length, payload.length);
    return "phd-" + UUID.nameUUIDFromBytes(all);
  }

  /** The next APDU, {@code null} at a clean end of stream. */
  private static byte[] readApdu(InputStream in) throws IOException {
    byte[] header = new byte[4];
    int n = readFully(in, header, 0, 4);
    if (n == 0) {
      return null;
    }
    if (n < 4) {
      throw new Garbage(java.util.Arrays.copyOf(header, n), "stream ended inside an APDU header");
    }
    int choice = ((header[0] & 0xFF) << 8) | (header[1] & 0xFF);
    if (!ApduFramer.knownChoice(choice)) {
      byte[] seen = new byte[4 + Math.max(0, Math.min(in.available(), 4096))];
      System.arraycopy(header, 0, seen, 0, 4);
      readFully(in, seen, 4, seen.length - 4);
      throw new Garbage(seen, String.format("not an APDU choice: 0x%04X", choice));
    }
    int length = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
    byte[] apdu = new byte[4 + length];
    System.arraycopy(header, 0, apdu, 0, 4);
    int got;
    try {
      got = readFully(in, apdu, 4, length);
    } catch (SocketTimeoutException e) {
      throw new Garbage(header, "agent stopped inside an APDU");
    }
    if (got < length) {
      throw new Garbage(java.util.Arrays.copyOf(apdu, 4 + got), "stream ended inside an APDU");
    }
    return apdu;
  }

  /** Reads up to {@code n} bytes; fewer only at end of stream. */
  private static int readFully(InputStream in, byte[] b, int off, int n) throws IOException {
    int total = 0;
    while (total < n) {
      int r;
      try {
        r = in.read(b, off + total, n - total);
      } catch (SocketTimeoutException e) {
        if (total == 0) {
          throw e;
        }
        throw new Garbage(java.util.Arrays.copyOf(b, off + total), "agent stopped inside an APDU");
      } catch (EOFException e) {
        return total;
      }
      if (r < 0) {
        return total;
      }
      total += r;
    }
    return total;
  }

  /** Caller holds {@link #lock}. */
  private void send(byte[] apdu) throws IOException {
    out.write(apdu);
    out.flush();
  }

  private void abortIfAssociated() throws IOException {
    if (manager.state() != PhdManager.State.UNASSOCIATED) {
      send(ApduCodec.abrt(Phd.ABORT_UNDEFINED));
    }
  }

  /** Shutdown: RLRQ to an associated agent (its RLRE is read by the serving thread). */
  void release() {
    synchronized (lock) {
      if (out == null) {
        return;
      }
      try {
        java.util.Optional<byte[]> rlrq = manager.release();
        if (rlrq.isPresent()) {
          send(rlrq.get());
        }
      } catch (IOException e) {
        log.debug("PHD {}: release not sent: {}", remote, e.getMessage());
      }
    }
  }

  /** Whether no association is open (or closing) on this connection. */
  boolean unassociated() {
    synchronized (lock) {
      return manager.state() == PhdManager.State.UNASSOCIATED;
    }
  }

  private static int millis(Duration d) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
  }
}
