package org.vitalbridge.server;

import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.vitalbridge.core.ConfigurationException;
import org.vitalbridge.core.mapping.TemplateLoader;
import org.vitalbridge.core.terminology.TerminologyLoader;
import org.vitalbridge.server.config.VitalBridgeConfig;
import org.vitalbridge.server.http.HttpApi;
import org.vitalbridge.server.http.HttpApiConfig;
import org.vitalbridge.server.http.Operations;
import org.vitalbridge.server.tls.TlsSetup;
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
            h.tls() != null && h.tls().enabled() ? tls(h.tls()) : null);
    var errors = config.errors();
    if (!errors.isEmpty()) {
      throw new ConfigurationException(String.join("; ", errors));
    }
    return config;
  }

  private static HttpApiConfig.Tls tls(VitalBridgeConfig.Tls tls) {
    TlsSetup setup = TlsContexts.server(tls, "http.tls");
    return HttpApiConfig.Tls.of(setup.context(), tls.requireClientCertificate(), setup.protocols());
  }

  static HttpApi start(
      VitalBridgeConfig config,
      Store store,
      Clock clock,
      Map<String, BooleanSupplier> adapters,
      Consumer<String> console) {
    return HttpApi.start(
        config(config.http()),
        store,
        clock,
        adapters,
        operations(config),
        AuthWiring.access(config.auth(), store, clock, console));
  }

  /**
   * Reprocessing and dry runs read the templates and terminology from disk on each call, so an
   * operator fixes a mapping and reprocesses without a restart (the live pipeline keeps the mapping
   * it started with until then).
   */
  static Operations operations(VitalBridgeConfig config) {
    return new Operations(
        () ->
            Engine.processor(
                config,
                TerminologyLoader.load(config.harmonizer().terminology()),
                Files.isDirectory(config.templates())
                    ? TemplateLoader.loadDirectory(config.templates())
                    : TemplateLoader.loadFiles(List.of())),
        config.templates(),
        Engine.storeConfig(config).destinations());
  }
}
