package org.vitalbridge.server;

import org.vitalbridge.core.ConfigurationException;
import org.vitalbridge.server.config.VitalBridgeConfig;
import org.vitalbridge.server.tls.TlsFiles;
import org.vitalbridge.server.tls.TlsSetup;

/**
 * TLS of listeners and connectors from the configuration: PKCS#12 or PEM keys, PEM or PKCS#12 CAs,
 * a CRL, {@code minVersion} (TLSv1.3 unless set), files followed for changes. Errors are
 * configuration errors naming the setting.
 */
final class TlsContexts {
  private TlsContexts() {}

  static TlsSetup server(VitalBridgeConfig.Tls tls, String key) {
    if (tls.requireClientCertificate() && tls.trustStore() == null) {
      throw new ConfigurationException(
          key + ".requireClientCertificate needs " + key + ".trustStore (the device CAs)");
    }
    try {
      return TlsSetup.server(
          new TlsSetup.Source(
              key,
              tls.keyStore(),
              tls.keyStorePassword(),
              tls.certificate(),
              tls.privateKey(),
              tls.trustStore(),
              tls.trustStorePassword(),
              tls.crl(),
              tls.minVersion(),
              tls.reloadInterval()));
    } catch (TlsFiles.TlsFileException e) {
      throw new ConfigurationException(e.getMessage());
    }
  }

  /** A connector's TLS; {@code tls} null means the JDK's CAs and TLS 1.3. */
  static TlsSetup client(VitalBridgeConfig.ClientTls tls, String key) {
    VitalBridgeConfig.ClientTls t = tls == null ? VitalBridgeConfig.ClientTls.none() : tls;
    try {
      return TlsSetup.client(
          new TlsSetup.Source(
              key,
              t.keyStore(),
              t.keyStorePassword(),
              t.certificate(),
              t.privateKey(),
              t.trustStore(),
              t.trustStorePassword(),
              null,
              t.minVersion(),
              null));
    } catch (TlsFiles.TlsFileException e) {
      throw new ConfigurationException(e.getMessage());
    }
  }
}
