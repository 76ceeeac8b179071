package org.vitalbridge.hl7v2;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.store.Store;

/**
 * The MLLP listener: IHE PCD-01 ORU^R01 from monitors and gateways, ADT from the hospital's feed.
 * One thread per connection (MLLP is strictly request/answer on a connection, so a connection never
 * has more than one message in flight); each message is acknowledged only after its journal commit.
 */
public final class MllpListener implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MllpListener.class);

  private final MllpListenerConfig config;
  private final Hl7Receiver receiver;
  private final ThreadPoolExecutor connections;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connectionIds = new AtomicInteger();
  private ServerSocket server;
  private Thread acceptor;
  private volatile boolean running;

  public MllpListener(
      MllpListenerConfig config, Store store, MessageProcessor processor, Clock clock) {
    this.config = config;
    this.receiver =
        new Hl7Receiver(
            store.journal(),
            processor,
            new AdtHandler(store.associations()),
            store.negativeAcks(),
            clock,
            config.defaultCharset(),
            config.commitTimeout(),
            store.ingestor().identities(),
            store.audit());
    this.connections =
        new ThreadPoolExecutor(
            0,
            config.maxConnections(),
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "vitalbridge-mllp-" + connectionIds.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** Binds and starts accepting. */
  public synchronized void start() throws IOException {
    if (running) {
      return;
    }
    server =
        config.tls() == null
            ? new ServerSocket()
            : config.tls().context().getServerSocketFactory().createServerSocket();
    if (server instanceof SSLServerSocket ssl) {
      ssl.setEnabledProtocols(config.tls().protocols().toArray(String[]::new));
      if (config.tls().requireClientCertificate()) {
        ssl.setNeedClientAuth(true);
      } else {
        ssl.setWantClientAuth(true);
      }
    }
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getByName(config.host()), config.port()), 128);
    running = true;
    acceptor = new Thread(this::acceptLoop, "vitalbridge-mllp-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    log.info(
        "MLLP listener on {}:{}{}", config.host(), port(), config.tls() == null ? "" : " (TLS)");
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
          log.warn("MLLP accept failed: {}", e.getMessage());
        }
        continue;
      }
      try {
        connections.execute(() -> serve(socket));
      } catch (RejectedExecutionException e) {
        log.warn(
            "MLLP connection from {} closed: {} connections already open",
            socket.getRemoteSocketAddress(),
            config.maxConnections());
        closeQuietly(socket);
      }
    }
  }

  private void serve(Socket socket) {
    open.add(socket);
    String remote = String.valueOf(socket.getRemoteSocketAddress());
    try (socket) {
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, config.idleTimeout().toMillis()));
      socket.setTcpNoDelay(true);
      String identity = peerIdentity(socket);
      MllpFrameReader frames =
          new MllpFrameReader(socket.getInputStream(), config.maxMessageBytes());
      OutputStream out = new BufferedOutputStream(socket.getOutputStream());
      MllpFrameReader.Frame frame;
      while ((frame = frames.next()) != null) {
        Hl7Receiver.Reply reply =
            frame instanceof MllpFrameReader.Frame.Message m
                ? receiver.receive(m.payload(), remote, identity)
                : oversized((MllpFrameReader.Frame.Oversized) frame, remote);
        if (reply.bytes() != null) {
          MllpFrameReader.write(out, reply.bytes());
        }
      }
      if (frames.discardedBytes() > 0) {
        log.info("MLLP {}: {} bytes outside frames skipped", remote, frames.discardedBytes());
      }
    } catch (SocketTimeoutException e) {
      log.debug("MLLP connection {} idle, closed", remote);
    } catch (SocketException e) {
      log.debug("MLLP connection {} closed: {}", remote, e.getMessage());
    } catch (IOException | RuntimeException e) {
      log.warn("MLLP connection {} failed: {}", remote, e.toString());
    } finally {
      open.remove(socket);
    }
  }

  private Hl7Receiver.Reply oversized(MllpFrameReader.Frame.Oversized frame, String remote) {
    return receiver.oversized(frame.head(), frame.size(), remote);
  }

  /** The client certificate's subject when the device authenticated with one. */
  private static String peerIdentity(Socket socket) {
    if (!(socket instanceof SSLSocket ssl)) {
      return null;
    }
    try {
      Certificate[] chain = ssl.getSession().getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate x
          ? org.vitalbridge.store.DeviceIdentityPolicy.identityOf(x)
          : null;
    } catch (SSLPeerUnverifiedException e) {
      return null;
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
  public synchronized void close() {
    running = false;
    if (server != null) {
      try {
        server.close();
      } catch (IOException e) {
        // closing
      }
    }
    for (Socket s : open) {
      closeQuietly(s);
    }
    connections.shutdown();
    try {
      connections.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
