package org.vitalbridge.store;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;

/**
 * Who a device certificate may speak for. A device's client certificate is its identity (its
 * subject CN); by default it may send only as itself, so a topic, URL parameter, payload field, HL7
 * MSH-3 or OBX-18 naming any other device is refused. A gateway (a BLE hub, a central station) is
 * allowed more names by configuration: identity CN → the device ids and MSH-3 values it may use.
 */
public final class DeviceIdentityPolicy {
  /** Each certificate speaks for itself only. */
  public static final DeviceIdentityPolicy SELF_ONLY = new DeviceIdentityPolicy(Map.of());

  private final Map<String, Set<String>> allowed;

  /**
   * @param allowed identity CN → the further names it may send as (beside its own)
   */
  public DeviceIdentityPolicy(Map<String, ? extends Collection<String>> allowed) {
    Map<String, Set<String>> copy = new HashMap<>();
    allowed.forEach((cn, names) -> copy.put(cn, Set.copyOf(names)));
    this.allowed = Map.copyOf(copy);
  }

  /**
   * The identity a client certificate gives, as journaled: its subject DN (RFC 2253), whose CN is
   * the device. A certificate without a CN (devices named only in a subject alternative name) is
   * journaled as {@code CN=<first URI or DNS SAN>}, so the same rule holds for both.
   */
  public static String identityOf(java.security.cert.X509Certificate certificate) {
    String subject = certificate.getSubjectX500Principal().getName();
    if (commonName(subject) != null) {
      return subject;
    }
    try {
      java.util.Collection<java.util.List<?>> sans = certificate.getSubjectAlternativeNames();
      if (sans != null) {
        for (java.util.List<?> san : sans) {
          int type = (Integer) san.get(0);
          if (type == 6 || type == 2) {
            return "CN=" + Rdn.escapeValue(san.get(1));
          }
        }
      }
    } catch (java.security.cert.CertificateParsingException e) {
      // No usable SAN: the subject as it is.
    }
    return subject;
  }

  /** The CN of a subject DN (RFC 2253), the last one if several; null without one. */
  public static String commonName(String subject) {
    if (subject == null) {
      return null;
    }
    String cn = null;
    try {
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

  /** Whether the certificate subject {@code identity} may send as {@code name}. */
  public boolean mayActAs(String identity, String name) {
    String cn = commonName(identity);
    if (cn == null || name == null) {
      return false;
    }
    return cn.equals(name) || allowed.getOrDefault(cn, Set.of()).contains(name);
  }

  /**
   * Why {@code identity} may not send as all of {@code names} ({@code field} says where they came
   * from), or empty when it may. Only a certificate subject binds a sender to device ids: no
   * identity (no client certificate), or an identity of another kind (an API token's subject,
   * {@code token:…}, which names a caller, not a device), checks nothing.
   */
  public Optional<Rejection> check(String identity, Collection<String> names, String field) {
    if (identity == null || commonName(identity) == null) {
      return Optional.empty();
    }
    for (String name : names) {
      if (!mayActAs(identity, name)) {
        return Optional.of(
            new Rejection(
                RejectionReason.NOT_AUTHORIZED,
                field,
                "the message names device '"
                    + name
                    + "' but the client certificate is CN '"
                    + commonName(identity)
                    + "'"));
      }
    }
    return Optional.empty();
  }
}
