package org.vitalbridge.server.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away PKI for tests, made at test time (no keys in the repository): a CA, server and
 * device certificates (EC P-256), CRLs, written as PEM or PKCS#12.
 */
public final class TestPki {
  private static final AtomicLong SERIALS = new AtomicLong(System.nanoTime() & 0xFFFFFFFL);

  private final KeyPair caKey;
  private final X509Certificate ca;

  /** One issued certificate with its key. */
  public record Issued(KeyPair key, X509Certificate certificate) {
    public BigInteger serial() {
      return certificate.getSerialNumber();
    }
  }

  public TestPki(String caName) {
    try {
      caKey = ecKey();
      X500Name name = new X500Name("CN=" + caName);
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              name,
              BigInteger.valueOf(SERIALS.incrementAndGet()),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(Duration.ofDays(2))),
              name,
              caKey.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      ca = convert(b.build(signer(caKey)));
    } catch (IOException
        | GeneralSecurityException
        | org.bouncycastle.operator.OperatorException e) {
      throw new IllegalStateException(e);
    }
  }

  public X509Certificate ca() {
    return ca;
  }

  /** A server certificate for localhost / 127.0.0.1. */
  public Issued server(String cn) {
    return issue(
        "CN=" + cn,
        new GeneralNames(
            new GeneralName[] {
              new GeneralName(GeneralName.dNSName, "localhost"),
              new GeneralName(GeneralName.iPAddress, "127.0.0.1")
            }));
  }

  /** A device (client) certificate, CN = the device id. */
  public Issued device(String deviceId) {
    return issue("CN=" + deviceId + ",O=VitalBridge Test", null);
  }

  /** A device certificate without a CN, named only by a DNS subject alternative name. */
  public Issued deviceBySan(String deviceId) {
    return issue(
        "O=VitalBridge Test,OU=Devices",
        new GeneralNames(new GeneralName(GeneralName.dNSName, deviceId)));
  }

  private Issued issue(String subject, GeneralNames san) {
    try {
      KeyPair key = ecKey();
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              ca,
              BigInteger.valueOf(SERIALS.incrementAndGet()),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(Duration.ofDays(1))),
              new X500Name(subject),
              key.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      if (san != null) {
        b.addExtension(Extension.subjectAlternativeName, false, san);
      }
      return new Issued(key, convert(b.build(signer(caKey))));
    } catch (IOException
        | GeneralSecurityException
        | org.bouncycastle.operator.OperatorException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A CRL of this CA revoking {@code revoked}, valid for a day. */
  public X509CRL crl(Issued... revoked) {
    try {
      Instant now = Instant.now();
      X509v2CRLBuilder b =
          new X509v2CRLBuilder(
              X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
              Date.from(now.minusSeconds(60)));
      b.setNextUpdate(Date.from(now.plus(Duration.ofDays(1))));
      for (Issued r : revoked) {
        b.addCRLEntry(r.serial(), Date.from(now.minusSeconds(30)), CRLReason.keyCompromise);
      }
      return new JcaX509CRLConverter().getCRL(b.build(signer(caKey)));
    } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes objects (certificates, CRLs) as PEM. */
  public static Path pem(Path file, Object... objects) {
    try {
      StringWriter out = new StringWriter();
      try (JcaPEMWriter w = new JcaPEMWriter(out)) {
        for (Object o : objects) {
          w.writeObject(o);
        }
      }
      return Files.writeString(file, out.toString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes a private key as unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY}). */
  public static Path privateKey(Path file, KeyPair key) {
    try {
      StringWriter out = new StringWriter();
      try (JcaPEMWriter w = new JcaPEMWriter(out)) {
        w.writeObject(new JcaPKCS8Generator(key.getPrivate(), null));
      }
      return Files.writeString(file, out.toString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A PKCS#12 store holding the issued key and its chain. */
  public KeyStore keyStore(Issued issued, char[] password) {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry(
          "key",
          issued.key().getPrivate(),
          password,
          new X509Certificate[] {issued.certificate(), ca});
      return ks;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A PKCS#12 store trusting this CA. */
  public KeyStore trustStore() {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setCertificateEntry("ca", ca);
      return ks;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes a PKCS#12 store. */
  public static Path save(KeyStore ks, Path file, char[] password) {
    try (var out = Files.newOutputStream(file)) {
      ks.store(out, password);
      return file;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair ecKey() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static ContentSigner signer(KeyPair key)
      throws org.bouncycastle.operator.OperatorException {
    return new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate());
  }

  private static X509Certificate convert(X509CertificateHolder holder)
      throws GeneralSecurityException {
    return new JcaX509CertificateConverter().getCertificate(holder);
  }
}
