package org.vitalbridge.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vitalbridge.core.model.RejectionReason;

class DeviceIdentityPolicyTest {
  private static final String MONITOR = "CN=ACME-0042,O=Ward 3";
  private static final String GATEWAY = "CN=central-1,O=Ward 3";

  @Test
  void aCertificateMaySendAsItsOwnCnOnly() {
    DeviceIdentityPolicy p = DeviceIdentityPolicy.SELF_ONLY;

    assertThat(p.mayActAs(MONITOR, "ACME-0042")).isTrue();
    assertThat(p.mayActAs(MONITOR, "ACME-0043")).isFalse();
    assertThat(p.check(MONITOR, List.of("ACME-0042", "ACME-0043"), "device"))
        .hasValueSatisfying(
            r -> {
              assertThat(r.reason()).isEqualTo(RejectionReason.NOT_AUTHORIZED);
              assertThat(r.detail()).contains("ACME-0043").contains("ACME-0042");
            });
  }

  @Test
  void aGatewayMaySendAsTheDevicesItIsGranted() {
    DeviceIdentityPolicy p =
        new DeviceIdentityPolicy(Map.of("central-1", List.of("ACME-0042", "ACME-0043")));

    assertThat(p.check(GATEWAY, List.of("central-1", "ACME-0042", "ACME-0043"), "device"))
        .isEmpty();
    assertThat(p.mayActAs(GATEWAY, "ACME-0044")).isFalse();
    assertThat(p.mayActAs(MONITOR, "ACME-0043")).as("grants are per certificate").isFalse();
  }

  @Test
  void withoutACertificateNothingIsChecked() {
    assertThat(DeviceIdentityPolicy.SELF_ONLY.check(null, List.of("anything"), "device")).isEmpty();
  }

  /** An API token names a caller (an integration), not a device: no device binding to check. */
  @Test
  void anApiTokenIdentityIsNotACertificateAndChecksNothing() {
    assertThat(
            DeviceIdentityPolicy.SELF_ONLY.check(
                "token:integration-7", List.of("ACME-0042"), "device"))
        .isEmpty();
    assertThat(DeviceIdentityPolicy.SELF_ONLY.check("CN=OTHER", List.of("ACME-0042"), "device"))
        .isPresent();
  }

  @Test
  void theCnIsTheSubjectsOwnEvenWithSeveral() {
    assertThat(DeviceIdentityPolicy.commonName("CN=ACME-0042,OU=Devices,CN=Ward"))
        .isEqualTo("ACME-0042");
    assertThat(DeviceIdentityPolicy.commonName("O=No Cn")).isNull();
  }
}
