package org.vitalbridge.mqtt;

import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vitalbridge.store.Store;
import org.vitalbridge.store.StoreException;

/**
 * Records device presence ({@code store.devices()}). A blocking JDBC write: callers run it on a
 * worker thread, never on an event loop.
 */
final class Presence {
  static final String CONNECT = "connect";
  static final String DISCONNECT = "disconnect";
  static final String WILL = "will";
  static final String CONNECTION_LOST = "connection-lost";
  static final String SHUTDOWN = "shutdown";
  static final String STATUS = "status";
  static final String RETAINED_STATUS = "retained-status";

  private static final Logger log = LoggerFactory.getLogger(Presence.class);

  private final Store store;
  private final Clock clock;

  Presence(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Records the change; {@code false} (logged) when the store could not take it. */
  boolean record(String device, boolean online, String reason) {
    try {
      store.devices().presence(device, Intake.ADAPTER, online, clock.instant(), reason);
      log.debug("device {} {} ({})", device, online ? "online" : "offline", reason);
      return true;
    } catch (StoreException e) {
      log.warn("presence of device {} not recorded: {}", device, e.getMessage());
      return false;
    }
  }
}
