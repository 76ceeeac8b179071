package org.vitalbridge.devices.serial;

import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.vitalbridge.core.ConfigurationException;
import org.vitalbridge.store.Ingestor;
import org.vitalbridge.store.Store;

/**
 * A serial port read into the journal: one thread per port that opens the port (and reopens it
 * whenever it disappears), reassembles lines and journals each as a {@code RawMessage} from adapter
 * {@code serial} under {@link SerialProtocols#contentType}. The pipeline decodes them with {@link
 * SerialProtocols#decoder()}, which the engine's {@code MessageProcessor} must include.
 */
public final class SerialIngest implements AutoCloseable {
  private final SerialReader reader;
  private final Thread thread;
  private final String port;

  private SerialIngest(SerialReader reader, String port) {
    this.reader = reader;
    this.port = port;
    this.thread = new Thread(reader, "vitalbridge-serial-" + port);
    this.thread.setDaemon(true);
  }

  /**
   * Starts reading {@code config.port()} (returns at once; a port that is not there yet is retried
   * every {@code reconnectInterval}).
   *
   * @throws ConfigurationException when the configured protocol is not one of {@code protocols}
   */
  public static SerialIngest start(
      SerialPortConfig config, SerialProtocols protocols, Ingestor ingestor, Clock clock) {
    return start(config, protocols, ingestor, clock, JSerialCommLink.OPENER);
  }

  /**
   * {@link #start(SerialPortConfig, SerialProtocols, Ingestor, Clock)} with the shipped protocols.
   */
  public static SerialIngest start(SerialPortConfig config, Store store, Clock clock) {
    return start(config, SerialProtocols.shipped(), store.ingestor(), clock);
  }

  static SerialIngest start(
      SerialPortConfig config,
      SerialProtocols protocols,
      Ingestor ingestor,
      Clock clock,
      SerialLink.Opener opener) {
    if (!protocols.has(config.protocol())) {
      throw new ConfigurationException(
          "serial.protocol: unknown serial protocol '"
              + config.protocol()
              + "' (known: "
              + String.join(", ", protocols.names())
              + ")");
    }
    SerialIngest ingest =
        new SerialIngest(new SerialReader(config, opener, ingestor, clock), config.port());
    ingest.thread.start();
    return ingest;
  }

  /** The port's name, as configured. */
  public String port() {
    return port;
  }

  /** Whether the port is open now. */
  public boolean connected() {
    return reader.connected();
  }

  /** Lines journaled since start. */
  public long lines() {
    return reader.lines.get();
  }

  /** Runs of garbage (bad bytes, overlong or incomplete lines) journaled for quarantine. */
  public long garbage() {
    return reader.garbage.get();
  }

  /** How many times the port was opened (1 + reconnects). */
  public long connects() {
    return reader.connects.get();
  }

  /** Lines or garbage the journal could not take (logged as errors). */
  public long lost() {
    return reader.lost.get();
  }

  /** Stops reading, journals a pending partial line as incomplete and closes the port. */
  @Override
  public void close() {
    reader.stop();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
