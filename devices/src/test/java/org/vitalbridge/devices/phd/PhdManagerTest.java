package org.vitalbridge.devices.phd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vitalbridge.devices.phd.AgentApdus.SYSTEM_ID;

import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class PhdManagerTest {
  private final Map<String, byte[]> cache = new ConcurrentHashMap<>();
  private final PhdManager manager = new PhdManager(cache, null);

  private static String hex(byte[] b) {
    return HexFormat.of().withUpperCase().formatHex(b);
  }

  @Test
  void aStandardConfigurationIsAcceptedAtOnce() {
    PhdManager.Step step = manager.receive(AgentApdus.aarq(SYSTEM_ID, 0x0190));
    assertThat(step.replies()).hasSize(1);
    // AARE, accepted, 20601 with MDER, manager system type, 8-byte manager id.
    assertThat(hex(step.replies().get(0)))
        .isEqualTo(
            "E300002C"
                + "0000"
                + "5079"
                + "0026"
                + "80000000"
                + "8000"
                + "80000000"
                + "00000000"
                + "80000000"
                + "0008"
                + hex(ApduCodec.MANAGER_SYSTEM_ID)
                + "0000"
                + "00000000"
                + "00000000");
    assertThat(manager.state()).isEqualTo(PhdManager.State.OPERATING);
  }

  @Test
  void anUnknownConfigurationIsLearnedFromTheConfigReportAndCached() {
    PhdManager.Step aare = manager.receive(AgentApdus.aarq(SYSTEM_ID, 0x4000));
    assertThat(hex(aare.replies().get(0))).startsWith("E300002C0003");
    assertThat(manager.state()).isEqualTo(PhdManager.State.WAITING_CONFIG);
    assertThat(manager.deadline()).contains(PhdManager.CONFIG_TIMEOUT);

    PhdManager.Step answer =
        manager.receive(AgentApdus.configReport(0x1234, AgentApdus.extendedOximeter()));
    // rors-cmip-confirmed-event-report, MDC_NOTI_CONFIG, config-report-id 1, accepted-config.
    assertThat(hex(answer.replies().get(0)))
        .isEqualTo(
            "E7000016"
                + "0014"
                + "1234"
                + "0201"
                + "000E"
                + "0000"
                + "00000000"
                + "0D1C"
                + "0004"
                + "0001"
                + "0000");
    assertThat(manager.state()).isEqualTo(PhdManager.State.OPERATING);
    assertThat(cache).containsKey(SYSTEM_ID + ":" + 0x4000);

    PhdManager next = new PhdManager(cache, null);
    assertThat(hex(next.receive(AgentApdus.aarq(SYSTEM_ID, 0x4000)).replies().get(0)))
        .startsWith("E300002C0000");
    assertThat(next.state()).isEqualTo(PhdManager.State.OPERATING);
  }

  @Test
  void aConfirmedReportIsJournaledWithItsReplyAndAnUnconfirmedOneWithout() {
    manager.receive(AgentApdus.aarq(SYSTEM_ID, 0x0320));
    byte[] report =
        AgentApdus.fixedScan(
            7,
            true,
            1,
            AgentApdus.concat(AgentApdus.sfloat(-1, 367), AgentApdus.bcd("2026112410150000")));
    PhdManager.Step step = manager.receive(report);
    assertThat(step.replies()).isEmpty();
    assertThat(step.reports())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.payload()).isEqualTo(report);
              assertThat(r.contentType())
                  .isEqualTo(
                      "application/vnd.vitalbridge.phd-report; config=0x0320; system-id="
                          + SYSTEM_ID);
              assertThat(hex(r.replyAfterCommit()))
                  .isEqualTo("E7000012001000070201000A0000000000000D1D0000");
              assertThat(r.deviceId()).isEqualTo("00-11-22-33-44-55-66-77");
            });
    byte[] unconfirmed = AgentApdus.fixedScan(8, false, 1, AgentApdus.sfloat(-1, 367));
    assertThat(manager.receive(unconfirmed).reports().get(0).replyAfterCommit()).isNull();
  }

  @Test
  void releaseAndAbort() {
    manager.receive(AgentApdus.aarq(SYSTEM_ID, 0x0190));
    assertThat(hex(manager.receive(AgentApdus.rlrq()).replies().get(0))).isEqualTo("E50000020000");
    assertThat(manager.state()).isEqualTo(PhdManager.State.UNASSOCIATED);

    manager.receive(AgentApdus.aarq(SYSTEM_ID, 0x0190));
    assertThat(manager.receive(ApduCodec.abrt(0)).replies()).isEmpty();
    assertThat(manager.state()).isEqualTo(PhdManager.State.UNASSOCIATED);

    manager.receive(AgentApdus.aarq(SYSTEM_ID, 0x0190));
    assertThat(manager.release())
        .hasValueSatisfying(r -> assertThat(hex(r)).isEqualTo("E40000020000"));
    assertThat(manager.state()).isEqualTo(PhdManager.State.DISASSOCIATING);
    manager.receive(ApduCodec.rlre(0));
    assertThat(manager.state()).isEqualTo(PhdManager.State.UNASSOCIATED);
  }

  @Test
  void unexpectedApdusAreAborted() {
    // A report before association.
    byte[] report = AgentApdus.fixedScan(1, true, 1, AgentApdus.sfloat(0, 97));
    assertThat(hex(manager.receive(report).replies().get(0))).isEqualTo("E60000020000");
    // A data report while the manager waits for the configuration.
    manager.receive(AgentApdus.aarq(SYSTEM_ID, 0x4001));
    assertThat(hex(manager.receive(report).replies().get(0))).isEqualTo("E60000020000");
    assertThat(manager.state()).isEqualTo(PhdManager.State.UNASSOCIATED);
    // A second AARQ while operating.
    manager.receive(AgentApdus.aarq(SYSTEM_ID, 0x0190));
    assertThat(hex(manager.receive(AgentApdus.aarq(SYSTEM_ID, 0x0190)).replies().get(0)))
        .isEqualTo("E60000020000");
  }

  @Test
  void configTimeoutAbortsWithItsReason() {
    manager.receive(AgentApdus.aarq(SYSTEM_ID, 0x4001));
    assertThat(hex(manager.timedOut())).isEqualTo("E60000020003");
    assertThat(manager.state()).isEqualTo(PhdManager.State.UNASSOCIATED);
  }

  @Test
  void refusedAssociations() {
    byte[] aarq = AgentApdus.aarq(SYSTEM_ID, 0x0190);
    byte[] noMder = aarq.clone();
    noMder[20] = 0x40; // encoding rules: XER only
    noMder[21] = 0x00;
    assertThat(hex(manager.receive(noMder).replies().get(0))).startsWith("E300002C0005");
    assertThat(manager.state()).isEqualTo(PhdManager.State.UNASSOCIATED);
    byte[] oldAssoc = aarq.clone();
    oldAssoc[4] = 0x40;
    assertThat(hex(manager.receive(oldAssoc).replies().get(0))).startsWith("E300002C0008");
  }

  @Test
  void malformedApdusAreReportedNotThrown() {
    manager.receive(AgentApdus.aarq(SYSTEM_ID, 0x0190));
    PhdManager.Step step = manager.receive(new byte[] {(byte) 0xE7, 0, 0, 3, 1, 2, 3});
    assertThat(step.malformed()).isNotNull();
    assertThat(step.malformed().detail()).contains("offset");
    assertThat(hex(step.replies().get(0))).isEqualTo("E60000020000");
  }
}
