package org.vitalbridge.server.http;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * Settings of the HTTP API ({@code http.*}).
 *
 * @param host {@code http.host}: address to bind, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
 * @param port {@code http.port}: TCP port; 0 picks a free one ({@link HttpApi#port()} tells it)
 * @param maxPayloadBytes {@code http.maxPayloadBytes}: largest single payload, WebSocket frame or
 *     batch item (after gunzip); 0 means the journal's limit ({@code store.maxPayloadBytes}), which
 *     is also the most it can be
 * @param maxBatchBytes {@code http.maxBatchBytes}: largest batch body (after gunzip); 0 means four
 *     times {@code maxPayloadBytes}
 * @param maxBatchItems {@code http.maxBatchItems}: most items in one batch (413 beyond)
 * @param commitTimeout {@code http.commitTimeout}: longest a request waits for its journal commit
 *     before it is answered 503
 * @param streamQueueSize {@code http.streamQueueSize}: measurements a live-stream subscriber may
 *     fall behind before it is disconnected (1008), and frames a WebSocket sender may have waiting
 *     for their acknowledgment before it is disconnected (1013)
 * @param tls {@code http.tls.*}: HTTPS (TLS 1.3 only) when set, plain HTTP when {@code null}
 */
public record HttpApiConfig(
    String host,
    int port,
    int maxPayloadBytes,
    int maxBatchBytes,
    int maxBatchItems,
    Duration commitTimeout,
    int streamQueueSize,
    Tls tls) {

  /**
   * TLS 1.3 for the listener: either a ready {@link SSLContext} (e.g. from the same PKCS#12 helper
   * as MLLP) or a PKCS#12 key store file and its password.
   *
   * @param requireClientCertificate devices must present a certificate the context trusts
   */
  public record Tls(
      SSLContext context,
      Path keyStore,
      String keyStorePassword,
      boolean requireClientCertificate,
      java.util.List<String> protocols) {

    public Tls {
      protocols =
          protocols == null || protocols.isEmpty() ? java.util.List.of("TLSv1.3") : protocols;
    }

    public static Tls of(SSLContext context, boolean requireClientCertificate) {
      return of(context, requireClientCertificate, null);
    }

    /**
     * @param protocols the TLS versions to enable ({@code tls.minVersion}); null: TLS 1.3 only
     */
    public static Tls of(
        SSLContext context, boolean requireClientCertificate, java.util.List<String> protocols) {
      return new Tls(
          Objects.requireNonNull(context, "context"),
          null,
          null,
          requireClientCertificate,
          protocols);
    }

    public static Tls keyStore(Path pkcs12, String password) {
      return new Tls(null, Objects.requireNonNull(pkcs12, "keyStore"), password, false, null);
    }

    @Override
    public String toString() {
      // Never the password.
      return "Tls[" + (context != null ? "context" : "keyStore=" + keyStore) + "]";
    }
  }

  /** 127.0.0.1:8080, the journal's payload limit, 1000 items, 10 s commits, queue of 1000. */
  public static HttpApiConfig defaults() {
    return new HttpApiConfig("127.0.0.1", 8080, 0, 0, 1000, Duration.ofSeconds(10), 1000, null);
  }

  public HttpApiConfig withAddress(String newHost, int newPort) {
    return new HttpApiConfig(
        newHost,
        newPort,
        maxPayloadBytes,
        maxBatchBytes,
        maxBatchItems,
        commitTimeout,
        streamQueueSize,
        tls);
  }

  public HttpApiConfig withLimits(int payloadBytes, int batchBytes, int batchItems) {
    return new HttpApiConfig(
        host, port, payloadBytes, batchBytes, batchItems, commitTimeout, streamQueueSize, tls);
  }

  public HttpApiConfig withCommitTimeout(Duration timeout) {
    return new HttpApiConfig(
        host, port, maxPayloadBytes, maxBatchBytes, maxBatchItems, timeout, streamQueueSize, tls);
  }

  public HttpApiConfig withStreamQueueSize(int size) {
    return new HttpApiConfig(
        host, port, maxPayloadBytes, maxBatchBytes, maxBatchItems, commitTimeout, size, tls);
  }

  public HttpApiConfig withTls(Tls newTls) {
    return new HttpApiConfig(
        host,
        port,
        maxPayloadBytes,
        maxBatchBytes,
        maxBatchItems,
        commitTimeout,
        streamQueueSize,
        newTls);
  }

  /** Every error at once, each naming its key; empty when the settings are usable. */
  public List<String> errors() {
    List<String> errors = new ArrayList<>();
    if (host == null || host.isBlank()) {
      errors.add("http.host must name an address to bind");
    }
    if (port < 0 || port > 65_535) {
      errors.add("http.port must be 0..65535, not " + port);
    }
    if (maxPayloadBytes < 0) {
      errors.add("http.maxPayloadBytes must be positive (or 0 for the journal's limit)");
    }
    if (maxBatchBytes < 0) {
      errors.add("http.maxBatchBytes must be positive (or 0 for 4 x maxPayloadBytes)");
    }
    if (maxBatchItems <= 0) {
      errors.add("http.maxBatchItems must be positive");
    }
    if (commitTimeout == null || commitTimeout.isNegative() || commitTimeout.isZero()) {
      errors.add("http.commitTimeout must be a positive duration");
    }
    if (streamQueueSize <= 0) {
      errors.add("http.streamQueueSize must be positive");
    }
    if (tls != null && tls.context() == null && tls.keyStore() == null) {
      errors.add("http.tls needs an SSLContext or http.tls.keyStore");
    }
    return errors;
  }

  /** Throws {@link IllegalArgumentException} listing every error. */
  public HttpApiConfig validate() {
    List<String> errors = errors();
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", errors));
    }
    return this;
  }

  /**
   * {@link #maxPayloadBytes}, 0 resolved to the journal's limit, and never above it: a payload the
   * journal cannot take is refused on receipt (413, its head kept) like any other too large.
   */
  int payloadLimit(int journalLimit) {
    return maxPayloadBytes == 0 ? journalLimit : Math.min(maxPayloadBytes, journalLimit);
  }

  int batchLimit(int journalLimit) {
    long limit = maxBatchBytes == 0 ? 4L * payloadLimit(journalLimit) : maxBatchBytes;
    return (int) Math.min(limit, Integer.MAX_VALUE - 16);
  }
}
