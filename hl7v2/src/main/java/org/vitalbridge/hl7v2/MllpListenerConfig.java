package org.vitalbridge.hl7v2;

import java.nio.charset.Charset;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * The MLLP listener's settings.
 *
 * @param host address to bind ({@code 0.0.0.0} for all)
 * @param port TCP port, 0 for any free one (tests); 2575 is the registered HL7 port
 * @param maxConnections concurrent connections; one more is closed on accept
 * @param idleTimeout a connection silent this long is closed
 * @param maxMessageBytes larger frames are answered AR and skipped
 * @param defaultCharset for messages without MSH-18
 * @param commitTimeout longest wait for the journal commit before answering AR
 * @param tls TLS 1.3 settings, {@code null} for plain TCP
 */
public record MllpListenerConfig(
    String host,
    int port,
    int maxConnections,
    Duration idleTimeout,
    int maxMessageBytes,
    Charset defaultCharset,
    Duration commitTimeout,
    Tls tls) {

  /**
   * @param context the server's key (and the trusted device CAs)
   * @param requireClientCertificate refuse devices without a certificate the context trusts;
   *     otherwise a certificate is asked for and, when given, names the device
   * @param protocols the TLS versions enabled ({@code hl7.mllp.tls.minVersion}); TLS 1.3 by default
   */
  public record Tls(
      SSLContext context, boolean requireClientCertificate, java.util.List<String> protocols) {
    public Tls {
      Objects.requireNonNull(context, "context");
      protocols =
          protocols == null || protocols.isEmpty()
              ? java.util.List.of("TLSv1.3")
              : java.util.List.copyOf(protocols);
    }

    /** TLS 1.3 only. */
    public Tls(SSLContext context, boolean requireClientCertificate) {
      this(context, requireClientCertificate, null);
    }
  }

  public MllpListenerConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(defaultCharset, "defaultCharset");
    Objects.requireNonNull(commitTimeout, "commitTimeout");
    if (port < 0 || port > 65535 || maxConnections <= 0 || maxMessageBytes <= 0) {
      throw new IllegalArgumentException("invalid MLLP listener settings");
    }
  }

  public static MllpListenerConfig defaults(int port) {
    return new MllpListenerConfig(
        "0.0.0.0",
        port,
        256,
        Duration.ofMinutes(5),
        1 << 20,
        java.nio.charset.StandardCharsets.UTF_8,
        Duration.ofSeconds(30),
        null);
  }
}
