package org.vitalbridge.server.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.X509CRL;
import java.security.cert.X509CertSelector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * One side's TLS: an {@link SSLContext} over key and trust managers that follow their files, and
 * the protocols to enable ({@code minVersion}). Listeners and connectors take the context (JDK
 * sockets, Jetty, HAPI) or the managers (Vert.x, HiveMQ), and must enable {@link #protocols()}.
 *
 * @param keyManager {@code null} when this side presents no certificate (a client without one)
 * @param trustManager {@code null} for the JDK's default trust (a client) or no client certificates
 *     (a listener without device CAs)
 */
public record TlsSetup(
    SSLContext context,
    X509ExtendedKeyManager keyManager,
    X509ExtendedTrustManager trustManager,
    List<String> protocols) {

  public String[] protocolArray() {
    return protocols.toArray(String[]::new);
  }

  /**
   * Where the material comes from. The key is a PKCS#12 {@code keyStore} or a PEM {@code
   * certificate} + {@code privateKey}; trust is a PKCS#12 or PEM {@code trustStore}; {@code crl} a
   * PEM or DER CRL file checked for the peer's (device's) certificate.
   *
   * @param key the setting's prefix, e.g. {@code hl7.mllp.tls}, for error messages
   */
  public record Source(
      String key,
      Path keyStore,
      String keyStorePassword,
      Path certificate,
      Path privateKey,
      Path trustStore,
      String trustStorePassword,
      Path crl,
      String minVersion,
      Duration reloadInterval) {

    boolean hasKey() {
      return keyStore != null || certificate != null;
    }
  }

  /** A listener: a key is required; trust (device CAs) and a CRL are optional. */
  public static TlsSetup server(Source s) {
    if (!s.hasKey()) {
      throw new TlsFiles.TlsFileException(
          s.key() + ".keyStore (or .certificate and .privateKey) is required when TLS is enabled");
    }
    return build(s);
  }

  /** A connector: trust of the server's CA (else the JDK's), a client key if mTLS is wanted. */
  public static TlsSetup client(Source s) {
    return build(s);
  }

  private static TlsSetup build(Source s) {
    List<String> protocols = TlsVersions.from(s.minVersion(), s.key());
    if (s.certificate() != null && s.privateKey() == null
        || s.certificate() == null && s.privateKey() != null) {
      throw new TlsFiles.TlsFileException(
          s.key() + ".certificate and " + s.key() + ".privateKey go together");
    }
    if (s.crl() != null && s.trustStore() == null) {
      throw new TlsFiles.TlsFileException(
          s.key() + ".crl needs " + s.key() + ".trustStore (the CAs whose revocations it lists)");
    }
    Duration every = s.reloadInterval() == null ? Duration.ofSeconds(10) : s.reloadInterval();
    ReloadingKeyManager keys = null;
    if (s.hasKey()) {
      List<Path> files =
          s.keyStore() != null ? List.of(s.keyStore()) : List.of(s.certificate(), s.privateKey());
      keys =
          new ReloadingKeyManager(
              new Reloading<>(s.key() + " key", files, every, () -> keyManager(s)));
    }
    ReloadingTrustManager trust = null;
    if (s.trustStore() != null) {
      List<Path> files = new ArrayList<>(List.of(s.trustStore()));
      if (s.crl() != null) {
        files.add(s.crl());
      }
      trust =
          new ReloadingTrustManager(
              new Reloading<>(s.key() + " trust", files, every, () -> trustManager(s)));
    }
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          keys == null ? null : new KeyManager[] {keys},
          trust == null ? null : new TrustManager[] {trust},
          null);
      return new TlsSetup(context, keys, trust, protocols);
    } catch (GeneralSecurityException e) {
      throw new TlsFiles.TlsFileException(s.key() + ": cannot set up TLS: " + e.getMessage());
    }
  }

  private static X509ExtendedKeyManager keyManager(Source s) {
    KeyStore store;
    char[] password;
    if (s.keyStore() != null) {
      store = TlsFiles.keyStore(s.keyStore(), s.keyStorePassword(), s.key() + ".keyStore");
      password = s.keyStorePassword() == null ? new char[0] : s.keyStorePassword().toCharArray();
    } else {
      store = TlsFiles.pem(s.certificate(), s.privateKey(), s.key() + ".certificate");
      password = TlsFiles.MEMORY_PASSWORD;
    }
    try {
      KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      f.init(store, password);
      for (KeyManager m : f.getKeyManagers()) {
        if (m instanceof X509ExtendedKeyManager x) {
          return x;
        }
      }
      throw new TlsFiles.TlsFileException(s.key() + ": no X.509 key manager");
    } catch (GeneralSecurityException e) {
      throw new TlsFiles.TlsFileException(s.key() + ": cannot use the key: " + e.getMessage());
    }
  }

  /**
   * The CAs, and with a CRL PKIX validation that checks the peer's certificate against it: CRLs
   * only (no OCSP or CRL download, there is no network to ask), the end entity only (the device),
   * and a certificate whose status the CRL cannot tell (an expired CRL, another CA) is refused.
   */
  private static X509ExtendedTrustManager trustManager(Source s) {
    KeyStore anchors =
        TlsFiles.trust(s.trustStore(), s.trustStorePassword(), s.key() + ".trustStore");
    try {
      TrustManagerFactory f = TrustManagerFactory.getInstance("PKIX");
      if (s.crl() == null) {
        f.init(anchors);
      } else {
        List<X509CRL> crls = TlsFiles.crls(s.crl(), s.key() + ".crl");
        PKIXBuilderParameters p = new PKIXBuilderParameters(anchors, new X509CertSelector());
        p.addCertStore(
            CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
        PKIXRevocationChecker revocation =
            (PKIXRevocationChecker) CertPathBuilder.getInstance("PKIX").getRevocationChecker();
        revocation.setOptions(
            EnumSet.of(
                PKIXRevocationChecker.Option.PREFER_CRLS,
                PKIXRevocationChecker.Option.NO_FALLBACK,
                PKIXRevocationChecker.Option.ONLY_END_ENTITY));
        p.addCertPathChecker(revocation);
        p.setRevocationEnabled(true);
        f.init(new CertPathTrustManagerParameters(p));
      }
      for (TrustManager m : f.getTrustManagers()) {
        if (m instanceof X509ExtendedTrustManager x) {
          return x;
        }
      }
      throw new TlsFiles.TlsFileException(s.key() + ": no X.509 trust manager");
    } catch (GeneralSecurityException e) {
      throw new TlsFiles.TlsFileException(s.key() + ": cannot use the CAs: " + e.getMessage());
    }
  }
}
