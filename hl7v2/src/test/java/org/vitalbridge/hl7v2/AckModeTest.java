package org.vitalbridge.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.hl7v2.model.Message;
import java.util.List;
import org.junit.jupiter.api.Test;

class AckModeTest {
  private final Pcd01Acknowledger acknowledger = new Pcd01Acknowledger();

  private static Message message(String msh15, String msh16) throws Exception {
    return Hl7Messages.parse(
        "MSH|^~\\&|GW||||20261124101530+0000||ORU^R01^ORU_R01|C1|P|2.6|||"
            + msh15
            + "|"
            + msh16
            + "\rPID|||1");
  }

  private String answer(String msh15, String msh16, boolean success) throws Exception {
    Message m = message(msh15, msh16);
    Hl7Acknowledgment app =
        success
            ? acknowledger.processed(m, List.of())
            : acknowledger.withErrors(
                m, List.of(new Hl7Acknowledgment.Error("OBX^1^5", "102", "bad")));
    Hl7Acknowledgment chosen = AckMode.choose(m, app, acknowledger);
    return chosen == null ? "none" : chosen.code();
  }

  @Test
  void originalModeAlwaysAnswersWithTheApplicationAcknowledgment() throws Exception {
    assertThat(answer("", "", true)).isEqualTo("AA");
    assertThat(answer("", "", false)).isEqualTo("AE");
  }

  @Test
  void enhancedModeFollowsTable0155() throws Exception {
    assertThat(answer("NE", "AL", true)).isEqualTo("AA");
    assertThat(answer("AL", "NE", true)).isEqualTo("CA");
    assertThat(answer("AL", "NE", false)).isEqualTo("CE");
    assertThat(answer("ER", "NE", true)).isEqualTo("none");
    assertThat(answer("ER", "NE", false)).isEqualTo("CE");
    assertThat(answer("SU", "NE", true)).isEqualTo("CA");
    assertThat(answer("NE", "ER", true)).isEqualTo("none");
    assertThat(answer("NE", "ER", false)).isEqualTo("AE");
    assertThat(answer("NE", "NE", true)).isEqualTo("none");
    assertThat(answer("AL", "AL", true)).isEqualTo("AA");
  }

  @Test
  void anAcceptAcknowledgmentCarriesTheErrors() throws Exception {
    Message m = message("AL", "NE");
    Hl7Acknowledgment ce =
        acknowledger.accept(
            m,
            acknowledger.withErrors(
                m, List.of(new Hl7Acknowledgment.Error("OBX^1^5", "102", "bad"))));

    assertThat(ce.er7()).contains("MSA|CE|C1").contains("ERR||OBX^1^5|102");
  }
}
