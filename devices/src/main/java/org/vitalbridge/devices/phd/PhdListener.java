package org.vitalbridge.devices.phd;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vitalbridge.store.Ingestor;

/**
 * IEEE 11073-20601 manager over TCP: each connection is one agent's byte transport (APDUs back to
 * back, no extra framing), served by its own thread and {@link PhdManager}. Data reports are
 * journaled as {@code application/vnd.vitalbridge.phd-report} raw messages (decoded by {@link
 * PhdReportDecoder}); a confirmed report is answered only after its journal commit. Accepted
 * extended configurations are remembered per system-id and config-id for the agents' next
 * associations while the listener runs.
 */
public final class PhdListener implements AutoCloseable {
  /** The adapter name on journaled raw messages. */
  public static final String ADAPTER = "phd";

  private static final Logger log = LoggerFactory.getLogger(PhdListener.class);

  private final PhdListenerConfig config;
  private final Ingestor ingestor;
  private final Clock clock;
  private final Map<String, byte[]> configCache = new ConcurrentHashMap<>();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Set<PhdConnection> served = ConcurrentHashMap.newKeySet();
  private final ThreadPoolExecutor connections;
  private final ServerSocket server;
  private final Thread acceptor;
  private volatile boolean running = true;

  private PhdListener(PhdListenerConfig config, Ingestor ingestor, Clock clock) throws IOException {
    this.config = config;
    this.ingestor = ingestor;
    this.clock = clock;
    AtomicInteger ids = new AtomicInteger();
    this.connections =
        new ThreadPoolExecutor(
            0,
            config.maxConnections(),
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "vitalbridge-phd-" + ids.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.server = new ServerSocket();
    try {
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getByName(config.host()), config.port()), 128);
    } catch (IOException e) {
      server.close();
      throw new IOException(
          "phd.port: cannot listen on "
              + config.host()
              + ":"
              + config.port()
              + ": "
              + e.getMessage(),
          e);
    }
    this.acceptor = new Thread(this::acceptLoop, "vitalbridge-phd-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    log.info("IEEE 11073-20601 manager on {}:{}", config.host(), port());
  }

  /**
   * Binds and starts accepting agents.
   *
   * @param ingestor the store's way in ({@code store.ingestor()}): journal, then answer
   */
  public static PhdListener start(PhdListenerConfig config, Ingestor ingestor, Clock clock)
      throws IOException {
    return new PhdListener(config, ingestor, clock);
  }

  /** The bound port (useful when configured as 0). */
  public int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (running) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        if (running) {
          log.warn("PHD accept failed: {}", e.getMessage());
        }
        continue;
      }
      try {
        connections.execute(() -> serve(socket));
      } catch (RejectedExecutionException e) {
        log.warn(
            "PHD connection from {} closed: {} agents already connected",
            socket.getRemoteSocketAddress(),
            config.maxConnections());
        closeQuietly(socket);
      }
    }
  }

  private void serve(Socket socket) {
    open.add(socket);
    PhdConnection connection = new PhdConnection(socket, config, ingestor, clock, configCache);
    served.add(connection);
    try (socket) {
      connection.serve();
    } catch (SocketException e) {
      log.debug("PHD connection {} closed: {}", socket.getRemoteSocketAddress(), e.getMessage());
    } catch (IOException | RuntimeException e) {
      log.warn("PHD connection {} failed: {}", socket.getRemoteSocketAddress(), e.toString());
    } finally {
      served.remove(connection);
      open.remove(socket);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    // Release associated agents as 20601 does (RLRQ, wait up to TO_release for RLRE), then close.
    served.forEach(PhdConnection::release);
    long deadline = System.nanoTime() + PhdManager.RELEASE_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline && !served.stream().allMatch(PhdConnection::unassociated)) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    open.forEach(PhdListener::closeQuietly);
    connections.shutdown();
    try {
      connections.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
