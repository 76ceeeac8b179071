package org.vitalbridge.security.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vitalbridge.security.auth.Role.ADMIN;
import static org.vitalbridge.security.auth.Role.DEVICE;
import static org.vitalbridge.security.auth.Role.INTEGRATOR;
import static org.vitalbridge.security.auth.Role.VIEWER;

import java.util.Set;
import org.junit.jupiter.api.Test;

class RoleTest {
  @Test
  void adminIncludesIntegratorIncludesViewerAndDeviceStandsAlone() {
    assertThat(ADMIN.satisfies(INTEGRATOR)).isTrue();
    assertThat(ADMIN.satisfies(VIEWER)).isTrue();
    assertThat(ADMIN.satisfies(DEVICE)).isTrue();
    assertThat(INTEGRATOR.satisfies(VIEWER)).isTrue();
    assertThat(INTEGRATOR.satisfies(ADMIN)).isFalse();
    assertThat(INTEGRATOR.satisfies(DEVICE)).isFalse();
    assertThat(VIEWER.satisfies(INTEGRATOR)).isFalse();
    assertThat(VIEWER.satisfies(DEVICE)).isFalse();
    assertThat(DEVICE.satisfies(VIEWER)).isFalse();
    assertThat(DEVICE.satisfies(DEVICE)).isTrue();
  }

  @Test
  void aPrincipalWithoutRolesMayNothing() {
    Principal p = new Principal("x", Set.of(), "jwt");
    for (Role r : Role.values()) {
      assertThat(p.may(r)).isFalse();
    }
    assertThat(new Principal("x", Set.of(VIEWER, ADMIN), "jwt").rolesText())
        .isEqualTo("admin,viewer");
    assertThat(Role.of("integrator")).isEqualTo(INTEGRATOR);
  }
}
