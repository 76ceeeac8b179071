package org.vitalbridge.server.http;

import java.security.SecureRandom;
import java.util.EnumMap;
import java.util.Map;
import java.util.Map.Entry;
import org.vitalbridge.security.auth.LocalCredential;
import org.vitalbridge.security.auth.LocalTokenAuthenticator;
import org.vitalbridge.security.auth.LocalTokens;
import org.vitalbridge.security.auth.Role;
import org.vitalbridge.store.ApiCredentials;
import org.vitalbridge.store.Store;

/**
 * One local API token per role, issued into a test's store as {@code auth.mode: local} would
 * (subject = role name), and the access control that accepts them.
 */
final class TestTokens {
  final Map<Role, String> tokens = new EnumMap<>(Role.class);
  final ApiAccess access;

  TestTokens(Store store) {
    LocalTokens issuer = new LocalTokens(new SecureRandom());
    for (Role r : Role.values()) {
      LocalTokens.Issued issued = issuer.issue(r.id() + "-user", r);
      LocalCredential c = issued.credential();
      store
          .credentials()
          .add(new ApiCredentials.Row(c.id(), c.subject(), c.role().id(), c.salt(), c.hash()));
      tokens.put(r, issued.token());
    }
    access =
        ApiAccess.of(
            new LocalTokenAuthenticator(
                id ->
                    store
                        .credentials()
                        .find(id)
                        .map(
                            row ->
                                new LocalCredential(
                                    row.id(),
                                    row.subject(),
                                    Role.of(row.role()),
                                    row.salt(),
                                    row.hash()))),
            Map.of());
  }

  String of(Role r) {
    return tokens.get(r);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("TestTokens[");
    for (Entry<Role, String> e : tokens.entrySet()) {
      b.append(e.getKey().id()).append(' ');
    }
    return b.append(']').toString();
  }
}
