package org.vitalbridge.server.http;

import jakarta.servlet.http.HttpServletRequest;
import java.security.cert.X509Certificate;

/** The device identity a TLS client certificate gives: its subject, journaled with the bytes. */
final class ClientCertificates {
  static final String ATTRIBUTE = "jakarta.servlet.request.X509Certificate";

  private ClientCertificates() {}

  /**
   * The subject DN of the verified client certificate (or {@code CN=<SAN>} for one without a CN),
   * or {@code null} without one.
   */
  static String subject(HttpServletRequest request) {
    Object chain = request.getAttribute(ATTRIBUTE);
    if (chain instanceof X509Certificate[] certs && certs.length > 0) {
      return org.vitalbridge.store.DeviceIdentityPolicy.identityOf(certs[0]);
    }
    return null;
  }
}
