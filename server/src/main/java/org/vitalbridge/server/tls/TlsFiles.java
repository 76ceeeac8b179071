package org.vitalbridge.server.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CRL;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

/**
 * Key material from files: PKCS#12 stores, or PEM (a PKCS#8 private key, certificate chains and CA
 * bundles, CRLs) read with the JDK alone. Everything ends up in an in-memory {@link KeyStore}, so
 * the JDK's key and trust managers work on both formats alike. Failures name the file and the
 * setting, never a password.
 */
public final class TlsFiles {
  /** The alias and password of the in-memory store a PEM key is put in. */
  static final String KEY_ALIAS = "key";

  static final char[] MEMORY_PASSWORD = new char[0];

  private TlsFiles() {}

  /** A PKCS#12 store, or a PEM bundle of CA certificates as trusted entries. */
  public static KeyStore trust(Path file, String password, String key) {
    byte[] bytes = read(file, key);
    if (!isPem(bytes)) {
      return pkcs12(bytes, password, file, key);
    }
    try {
      KeyStore store = empty();
      int i = 0;
      for (Certificate c : certificates(bytes, file, key)) {
        store.setCertificateEntry("ca-" + i++, c);
      }
      if (i == 0) {
        throw new TlsFileException(key + ": " + file + " holds no PEM certificates");
      }
      return store;
    } catch (GeneralSecurityException e) {
      throw new TlsFileException(key + ": " + file + ": " + e.getMessage());
    }
  }

  /** A PKCS#12 key store (its password is also the key's). */
  public static KeyStore keyStore(Path file, String password, String key) {
    return pkcs12(read(file, key), password, file, key);
  }

  /**
   * A PEM private key (PKCS#8, {@code BEGIN PRIVATE KEY}) and its certificate chain (leaf first),
   * as a key store with one entry under the empty password.
   */
  public static KeyStore pem(Path certificate, Path privateKey, String key) {
    List<Certificate> chain = certificates(read(certificate, key), certificate, key);
    if (chain.isEmpty()) {
      throw new TlsFileException(key + ": " + certificate + " holds no PEM certificate");
    }
    PrivateKey pk = privateKey(read(privateKey, key), privateKey, key);
    try {
      KeyStore store = empty();
      store.setKeyEntry(KEY_ALIAS, pk, MEMORY_PASSWORD, chain.toArray(Certificate[]::new));
      return store;
    } catch (GeneralSecurityException e) {
      throw new TlsFileException(
          key + ": " + privateKey + " does not fit " + certificate + ": " + e.getMessage());
    }
  }

  /** The CRLs of a PEM or DER file. */
  public static List<X509CRL> crls(Path file, String key) {
    byte[] bytes = read(file, key);
    try {
      Collection<? extends CRL> crls =
          CertificateFactory.getInstance("X.509").generateCRLs(new ByteArrayInputStream(bytes));
      List<X509CRL> out = new ArrayList<>();
      for (CRL c : crls) {
        out.add((X509CRL) c);
      }
      if (out.isEmpty()) {
        throw new TlsFileException(key + ": " + file + " holds no CRL");
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw new TlsFileException(key + ": " + file + " is not a CRL: " + e.getMessage());
    }
  }

  static List<Certificate> certificates(byte[] bytes, Path file, String key) {
    try {
      return new ArrayList<>(
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(bytes)));
    } catch (GeneralSecurityException e) {
      throw new TlsFileException(
          key + ": " + file + " is not a certificate file: " + e.getMessage());
    }
  }

  private static PrivateKey privateKey(byte[] bytes, Path file, String key) {
    String text = new String(bytes, StandardCharsets.US_ASCII);
    String begin = "-----BEGIN PRIVATE KEY-----";
    int start = text.indexOf(begin);
    int end = text.indexOf("-----END PRIVATE KEY-----");
    if (start < 0 || end < start) {
      throw new TlsFileException(
          key
              + ": "
              + file
              + " is not an unencrypted PKCS#8 PEM key (BEGIN PRIVATE KEY); convert it with"
              + " 'openssl pkcs8 -topk8 -nocrypt -in old.key -out new.key'");
    }
    byte[] der =
        Base64.getMimeDecoder().decode(text.substring(start + begin.length(), end).strip());
    for (String algorithm : List.of("EC", "RSA", "Ed25519", "Ed448")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // Not this algorithm; PKCS#8 names it, but asking each factory is simpler than parsing.
      }
    }
    throw new TlsFileException(key + ": " + file + ": unsupported private key algorithm");
  }

  private static KeyStore pkcs12(byte[] bytes, String password, Path file, String key) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(
          new ByteArrayInputStream(bytes), password == null ? new char[0] : password.toCharArray());
      return store;
    } catch (IOException | GeneralSecurityException e) {
      throw new TlsFileException(
          key + ": cannot open " + file + " as PKCS#12 (wrong file or password?)");
    }
  }

  private static KeyStore empty() throws GeneralSecurityException {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      return store;
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static boolean isPem(byte[] bytes) {
    return new String(bytes, 0, Math.min(bytes.length, 4096), StandardCharsets.US_ASCII)
        .contains("-----BEGIN ");
  }

  static byte[] read(Path file, String key) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new TlsFileException(key + ": cannot read " + file);
    }
  }

  /** A key or certificate file that cannot be used; the message names the setting and file. */
  public static final class TlsFileException extends RuntimeException {
    TlsFileException(String message) {
      super(message);
    }
  }
}
