package org.vitalbridge.security.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * A PEM {@code PUBLIC KEY} (X.509 SubjectPublicKeyInfo, RSA or EC) as a JWK, with the JDK alone:
 * Nimbus' own PEM parser needs BouncyCastle, which this module does not carry for one key.
 */
final class PemPublicKeys {
  private PemPublicKeys() {}

  static JWK parse(String pem) throws JOSEException {
    String body =
        pem.replace("-----BEGIN PUBLIC KEY-----", "")
            .replace("-----END PUBLIC KEY-----", "")
            .replaceAll("\\s", "");
    if (pem.contains("PRIVATE KEY")) {
      throw new IllegalArgumentException(
          "auth.oauth2.publicKey: a private key; configure the public part only");
    }
    byte[] der;
    try {
      der = Base64.getDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw new JOSEException("PEM body is not base64", e);
    }
    X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
    try {
      return new RSAKey.Builder((RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(spec))
          .build();
    } catch (GeneralSecurityException | ClassCastException notRsa) {
      try {
        ECPublicKey ec = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(spec);
        return new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).build();
      } catch (GeneralSecurityException | ClassCastException | IllegalArgumentException e) {
        throw new JOSEException("not an RSA or EC public key: " + e.getMessage(), e);
      }
    }
  }
}
