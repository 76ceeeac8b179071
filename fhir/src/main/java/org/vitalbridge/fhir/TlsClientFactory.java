package org.vitalbridge.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.apache.ApacheRestfulClientFactory;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.apache.http.client.HttpClient;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.config.RegistryBuilder;
import org.apache.http.conn.socket.ConnectionSocketFactory;
import org.apache.http.conn.socket.PlainConnectionSocketFactory;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;

/**
 * HAPI's Apache client with the destination's TLS: its CAs and client key (or the JVM's), only the
 * configured versions (TLS 1.3 unless {@code minVersion} says otherwise), host names checked. The
 * pool and timeouts are HAPI's settings; HAPI builds its pool with the JVM's socket factories, so
 * the client is built here instead.
 */
final class TlsClientFactory extends ApacheRestfulClientFactory {
  private final SSLContext context;
  private final String[] protocols;
  private HttpClient client;

  TlsClientFactory(FhirContext fhir, FhirDestinationConfig config) {
    super(fhir);
    this.context = config.tlsContext();
    this.protocols = config.tlsProtocols().toArray(String[]::new);
  }

  @Override
  public synchronized HttpClient getNativeHttpClient() {
    if (client == null) {
      SSLContext ssl;
      try {
        ssl = context != null ? context : SSLContext.getDefault();
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("the JVM has no default TLS context", e);
      }
      PoolingHttpClientConnectionManager pool =
          new PoolingHttpClientConnectionManager(
              RegistryBuilder.<ConnectionSocketFactory>create()
                  .register("http", PlainConnectionSocketFactory.getSocketFactory())
                  .register(
                      "https",
                      new SSLConnectionSocketFactory(
                          ssl,
                          protocols,
                          null,
                          SSLConnectionSocketFactory.getDefaultHostnameVerifier()))
                  .build(),
              null,
              null,
              null,
              getConnectionTimeToLive(),
              TimeUnit.MILLISECONDS);
      pool.setMaxTotal(getPoolMaxTotal());
      pool.setDefaultMaxPerRoute(getPoolMaxPerRoute());
      client =
          HttpClients.custom()
              .setConnectionManager(pool)
              .setDefaultRequestConfig(
                  RequestConfig.custom()
                      .setSocketTimeout(getSocketTimeout())
                      .setConnectTimeout(getConnectTimeout())
                      .setConnectionRequestTimeout(getConnectionRequestTimeout())
                      .build())
              .disableCookieManagement()
              .build();
    }
    return client;
  }

  @Override
  protected synchronized void resetHttpClient() {
    client = null;
    super.resetHttpClient();
  }
}
