package org.vitalbridge.devices.phd;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * The 20601 TCP listener's settings (keys {@code phd.*}).
 *
 * @param host {@code phd.host}: address to bind, default 127.0.0.1
 * @param port {@code phd.port}: TCP port, 0 for any free port
 * @param idleTimeout {@code phd.idle-timeout}: a connection silent this long is closed (an
 *     associated agent is sent ABRT first), default 5 min
 * @param zone {@code phd.zone}: zone for the agents' absolute time stamps; {@code null} (default)
 *     leaves them to each device's configured zone in the harmonizer
 * @param maxConnections {@code phd.max-connections}: agents connected at once, default 256
 * @param commitTimeout {@code phd.commit-timeout}: longest wait for the journal before a confirmed
 *     report goes unanswered (the agent resends), default 10 s
 */
public record PhdListenerConfig(
    String host,
    int port,
    Duration idleTimeout,
    ZoneId zone,
    int maxConnections,
    Duration commitTimeout) {

  /** Reports every invalid setting at once. */
  public PhdListenerConfig {
    List<String> errors = new ArrayList<>();
    if (host == null || host.isBlank()) {
      errors.add("phd.host must be set");
    }
    if (port < 0 || port > 65535) {
      errors.add("phd.port must be 0..65535, was " + port);
    }
    if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
      errors.add("phd.idle-timeout must be positive");
    }
    if (maxConnections < 1) {
      errors.add("phd.max-connections must be at least 1, was " + maxConnections);
    }
    if (commitTimeout == null || commitTimeout.isNegative() || commitTimeout.isZero()) {
      errors.add("phd.commit-timeout must be positive");
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", errors));
    }
  }

  /** Defaults for everything but host and port. */
  public static PhdListenerConfig of(String host, int port) {
    return new PhdListenerConfig(
        host, port, Duration.ofMinutes(5), null, 256, Duration.ofSeconds(10));
  }

  public PhdListenerConfig withIdleTimeout(Duration timeout) {
    return new PhdListenerConfig(host, port, timeout, zone, maxConnections, commitTimeout);
  }

  public PhdListenerConfig withZone(ZoneId z) {
    return new PhdListenerConfig(host, port, idleTimeout, z, maxConnections, commitTimeout);
  }
}
