package org.vitalbridge.server;

import java.time.Clock;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.vitalbridge.core.ConfigurationException;
import org.vitalbridge.server.config.VitalBridgeConfig;
import org.vitalbridge.server.http.HttpApi;
import org.vitalbridge.server.http.HttpApiConfig;
import org.vitalbridge.store.Store;

/** Builds the HTTP API from configuration. */
final class HttpWiring {
  private HttpWiring() {}

  static HttpApiConfig config(VitalBridgeConfig.Http h) {
    HttpApiConfig config =
        new HttpApiConfig(
            h.host(),
            h.port(),
            h.maxPayloadBytes(),
            h.maxBatchBytes(),
            h.maxBatchItems(),
            h.commitTimeout(),
            h.streamQueueSize(),
            h.tls() != null && h.tls().enabled()
                ? HttpApiConfig.Tls.of(
                    TlsContexts.server(h.tls(), "http.tls"), h.tls().requireClientCertificate())
                : null);
    var errors = config.errors();
    if (!errors.isEmpty()) {
      throw new ConfigurationException(String.join("; ", errors));
    }
    return config;
  }

  static HttpApi start(
      VitalBridgeConfig.Http h, Store store, Clock clock, Map<String, BooleanSupplier> adapters) {
    return HttpApi.start(config(h), store, clock, adapters);
  }
}
