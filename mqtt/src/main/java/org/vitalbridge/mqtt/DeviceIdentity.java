package org.vitalbridge.mqtt;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Who a TLS client certificate says the device is.
 *
 * @param subject the certificate subject (RFC 2253), journaled as the device identity
 * @param commonName its CN, the device id topics must name; {@code null} if the subject has none
 */
record DeviceIdentity(String subject, String commonName) {

  /** The identity of a TLS session's client certificate, if the device presented one. */
  static Optional<DeviceIdentity> of(SSLSession session) {
    if (session == null) {
      return Optional.empty();
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      if (chain.length > 0 && chain[0] instanceof X509Certificate x) {
        String subject = org.vitalbridge.store.DeviceIdentityPolicy.identityOf(x);
        return Optional.of(new DeviceIdentity(subject, commonName(subject)));
      }
    } catch (SSLPeerUnverifiedException e) {
      // No certificate: an anonymous TLS client.
    }
    return Optional.empty();
  }

  static String commonName(String subject) {
    String cn = null;
    try {
      // LdapName lists RDNs least specific first: the last CN is the subject's own.
      for (Rdn rdn : new LdapName(subject).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          cn = rdn.getValue().toString();
        }
      }
    } catch (InvalidNameException e) {
      return null;
    }
    return cn;
  }
}
