package org.vitalbridge.mqtt;

import java.security.KeyStore;
import java.security.Provider;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.KeyManagerFactorySpi;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.TrustManagerFactorySpi;

/**
 * Factories that hand out given managers: the HiveMQ client takes factories, VitalBridge has
 * managers that follow their files (a renewed client certificate is used at the next connect).
 */
final class Managers {
  private static final Provider PROVIDER = new Provider("VitalBridge", "1", "fixed managers") {};

  private Managers() {}

  static KeyManagerFactory keys(KeyManager manager) {
    return new KeyManagerFactory(
        new KeyManagerFactorySpi() {
          @Override
          protected void engineInit(KeyStore ks, char[] password) {}

          @Override
          protected void engineInit(ManagerFactoryParameters spec) {}

          @Override
          protected KeyManager[] engineGetKeyManagers() {
            return new KeyManager[] {manager};
          }
        },
        PROVIDER,
        "fixed") {};
  }

  static TrustManagerFactory trust(TrustManager manager) {
    return new TrustManagerFactory(
        new TrustManagerFactorySpi() {
          @Override
          protected void engineInit(KeyStore ks) {}

          @Override
          protected void engineInit(ManagerFactoryParameters spec) {}

          @Override
          protected TrustManager[] engineGetTrustManagers() {
            return new TrustManager[] {manager};
          }
        },
        PROVIDER,
        "fixed") {};
  }
}
