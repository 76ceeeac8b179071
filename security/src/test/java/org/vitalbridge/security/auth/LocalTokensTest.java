package org.vitalbridge.security.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LocalTokensTest {
  private final LocalTokens tokens = new LocalTokens(new SecureRandom());

  @Test
  void anIssuedTokenIsAcceptedAndOnlyItsSaltedHashIsKept() throws Exception {
    LocalTokens.Issued issued = tokens.issue("admin", Role.ADMIN);
    LocalCredential c = issued.credential();
    assertThat(issued.token()).startsWith("vb_" + c.id() + ".");
    String secret = issued.token().substring(issued.token().indexOf('.') + 1);
    assertThat(c.hash()).hasSize(64).doesNotContain(secret);
    assertThat(c.toString()).doesNotContain(c.hash());
    assertThat(issued.toString()).doesNotContain(secret);

    LocalTokenAuthenticator auth =
        new LocalTokenAuthenticator(id -> Optional.of(c).filter(x -> x.id().equals(id)));
    Principal p = auth.authenticate(issued.token());
    assertThat(p.subject()).isEqualTo("admin");
    assertThat(p.roles()).containsExactly(Role.ADMIN);
    assertThat(p.via()).isEqualTo("local");
  }

  @Test
  void aWrongSecretAnUnknownIdAndGarbageAreRefusedAlike() {
    LocalTokens.Issued issued = tokens.issue("dev-1", Role.DEVICE);
    Map<String, LocalCredential> db = Map.of(issued.credential().id(), issued.credential());
    LocalTokenAuthenticator auth =
        new LocalTokenAuthenticator(id -> Optional.ofNullable(db.get(id)));
    String wrong = issued.token().substring(0, issued.token().length() - 2) + "xx";
    assertThatThrownBy(() -> auth.authenticate(wrong))
        .isInstanceOf(AuthenticationException.class)
        .hasMessage("unknown or revoked API token");
    String other = tokens.issue("dev-2", Role.DEVICE).token();
    assertThatThrownBy(() -> auth.authenticate(other)).hasMessage("unknown or revoked API token");
    assertThatThrownBy(() -> auth.authenticate("eyJhbGciOi.x.y"))
        .hasMessage("not a VitalBridge API token");
  }

  @Test
  void twoTokensDiffer() {
    assertThat(tokens.issue("a", Role.ADMIN).token())
        .isNotEqualTo(tokens.issue("a", Role.ADMIN).token());
  }
}
