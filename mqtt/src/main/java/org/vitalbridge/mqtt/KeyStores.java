package org.vitalbridge.mqtt;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.TrustManagerFactory;

/**
 * PKCS#12 files named in the settings, opened up front so that a wrong path or password fails
 * start-up with the setting's key instead of a TLS error at the first connection.
 */
final class KeyStores {
  private KeyStores() {}

  /**
   * @param key the setting that names the file, e.g. {@code mqtt.embedded.tls.keyStore}
   */
  static KeyStore load(Path file, String password, String key) {
    if (!Files.isReadable(file)) {
      throw new IllegalStateException(key + ": cannot read PKCS#12 file " + file);
    }
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, password == null ? new char[0] : password.toCharArray());
      if (ks.size() == 0) {
        throw new IllegalStateException(key + ": " + file + " holds no keys or certificates");
      }
      return ks;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(
          key
              + ": cannot open "
              + file
              + " as PKCS#12 (wrong file or password?): "
              + e.getMessage(),
          e);
    }
  }

  static TrustManagerFactory trust(Path file, String password, String key) {
    try {
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(load(file, password, key));
      return tmf;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(key + ": " + e.getMessage(), e);
    }
  }
}
