package org.vitalbridge.fhir;

import java.time.Duration;
import java.util.Objects;

/**
 * A FHIR REST destination.
 *
 * @param name outbox destination name (e.g. {@code fhir})
 * @param baseUrl FHIR server base, e.g. {@code https://ehr.example.org/fhir}
 * @param batch {@code false}: real-time, send as soon as measurements are committed; {@code true}:
 *     batch, send when {@code maxBatch} are waiting or every {@code flushInterval}
 * @param maxBatch most measurements per transaction Bundle
 * @param flushInterval batch mode: longest a measurement waits for company
 * @param gzip compress request bodies ({@code Content-Encoding: gzip})
 * @param timeout connect and read timeout per request
 * @param tlsContext for an {@code https} base URL: the server's CA (and a client key for mutual
 *     TLS); {@code null} for the JVM's trust store
 * @param tlsProtocols for {@code https}: the TLS versions enabled ({@code minVersion}), TLS 1.3 by
 *     default
 */
public record FhirDestinationConfig(
    String name,
    String baseUrl,
    boolean batch,
    int maxBatch,
    Duration flushInterval,
    boolean gzip,
    Duration timeout,
    javax.net.ssl.SSLContext tlsContext,
    java.util.List<String> tlsProtocols) {
  public FhirDestinationConfig {
    tlsProtocols =
        tlsProtocols == null || tlsProtocols.isEmpty()
            ? java.util.List.of("TLSv1.3")
            : java.util.List.copyOf(tlsProtocols);
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(baseUrl, "baseUrl");
    if (maxBatch <= 0) {
      throw new IllegalArgumentException("maxBatch must be positive");
    }
    Objects.requireNonNull(flushInterval, "flushInterval");
    Objects.requireNonNull(timeout, "timeout");
  }

  /** The JVM's trust store and TLS 1.3 for {@code https}. */
  public FhirDestinationConfig(
      String name,
      String baseUrl,
      boolean batch,
      int maxBatch,
      Duration flushInterval,
      boolean gzip,
      Duration timeout) {
    this(name, baseUrl, batch, maxBatch, flushInterval, gzip, timeout, null, null);
  }

  /** These settings with TLS from {@code context} restricted to {@code protocols}. */
  public FhirDestinationConfig withTls(
      javax.net.ssl.SSLContext context, java.util.List<String> protocols) {
    return new FhirDestinationConfig(
        name, baseUrl, batch, maxBatch, flushInterval, gzip, timeout, context, protocols);
  }

  public static FhirDestinationConfig realTime(String name, String baseUrl) {
    return new FhirDestinationConfig(
        name, baseUrl, false, 50, Duration.ofMillis(0), false, Duration.ofSeconds(30));
  }

  public static FhirDestinationConfig batch(
      String name, String baseUrl, int maxBatch, Duration flushInterval) {
    return new FhirDestinationConfig(
        name, baseUrl, true, maxBatch, flushInterval, true, Duration.ofSeconds(60));
  }
}
