package org.vitalbridge.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.vitalbridge.core.ConfigurationException;
import org.vitalbridge.server.config.VitalBridgeConfig;

/** TLS 1.3 server contexts from PKCS#12 key and trust stores named in the configuration. */
final class TlsContexts {
  private TlsContexts() {}

  static SSLContext server(VitalBridgeConfig.Tls tls, String key) {
    if (tls.keyStore() == null) {
      throw new ConfigurationException(key + ".keyStore is required when TLS is enabled");
    }
    try {
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      char[] keyPassword = password(tls.keyStorePassword());
      keys.init(load(tls.keyStore(), keyPassword, key + ".keyStore"), keyPassword);
      TrustManagerFactory trust = null;
      if (tls.trustStore() != null) {
        trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(load(tls.trustStore(), password(tls.trustStorePassword()), key + ".trustStore"));
      } else if (tls.requireClientCertificate()) {
        throw new ConfigurationException(
            key + ".requireClientCertificate needs " + key + ".trustStore (the device CAs)");
      }
      SSLContext context = SSLContext.getInstance("TLSv1.3");
      context.init(keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new ConfigurationException(key + ": cannot set up TLS: " + e.getMessage());
    }
  }

  private static KeyStore load(Path file, char[] password, String key) {
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, password);
      return store;
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigurationException(key + " " + file + ": cannot read: " + e.getMessage());
    }
  }

  private static char[] password(String p) {
    return p == null ? new char[0] : p.toCharArray();
  }
}
