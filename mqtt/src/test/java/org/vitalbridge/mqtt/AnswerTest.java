package org.vitalbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;
import org.vitalbridge.core.pipeline.JsonTemplateDecoder;
import org.vitalbridge.store.Ingestor;
import org.vitalbridge.store.JournalOverloadedException;
import org.vitalbridge.store.StoreException;

/** Reason codes from real receipts (the ACME template), and from journal failures. */
class AnswerTest {
  static Ingestor.Receipt receipt(byte[] payload, String template) {
    RawMessage raw =
        new RawMessage(
            "r1",
            payload,
            JsonTemplateDecoder.contentType(template, "ACME-1"),
            "mqtt",
            "devices/ACME-1/" + template,
            null,
            Fixtures.NOW);
    return new Ingestor.Receipt("r1", Fixtures.PROCESSOR.evaluate(raw));
  }

  @Test
  void storedReadingsAreSuccess() {
    Answer a = Answer.of(receipt(Fixtures.reading("ACME-1", 0), "acme-bedside"));

    assertThat(a.code()).isEqualTo(ReasonCode.SUCCESS);
    assertThat(a.reason()).isEqualTo("2 measurements stored");
    assertThat(a.kept()).isTrue();
  }

  @Test
  void someReadingsRejectedIsStillSuccessAndSaysSo() {
    Answer a = Answer.of(receipt(Fixtures.mixed("ACME-1"), "acme-bedside"));

    assertThat(a.code()).isEqualTo(ReasonCode.SUCCESS);
    assertThat(a.reason()).startsWith("1 measurements stored, 1 readings rejected (quarantined)");
  }

  @Test
  void notJsonIsPayloadFormatInvalid() {
    Answer a = Answer.of(receipt(Fixtures.json("hr=72"), "acme-bedside"));

    assertThat(a.code()).isEqualTo(ReasonCode.PAYLOAD_FORMAT_INVALID);
    assertThat(a.code().value()).isEqualTo(0x99);
    assertThat(a.reason()).contains("malformed-payload").contains("quarantined");
    assertThat(a.kept()).isTrue();
  }

  @Test
  void aTemplateThatReadsNothingOrDoesNotExistIsPayloadFormatInvalid() {
    assertThat(Answer.of(receipt(Fixtures.json("{\"x\":1}"), "acme-bedside")).code())
        .isEqualTo(ReasonCode.PAYLOAD_FORMAT_INVALID);
    assertThat(Answer.of(receipt(Fixtures.reading("ACME-1", 0), "no-such-template")).reason())
        .contains("no-template");
  }

  @Test
  void everyReadingRejectedIsImplementationSpecificError() {
    Answer a = Answer.of(receipt(Fixtures.allRejected("ACME-1"), "acme-bedside"));

    assertThat(a.code()).isEqualTo(ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR);
    assertThat(a.code().value()).isEqualTo(0x83);
    assertThat(a.reason()).startsWith("all 1 readings rejected (quarantined)");
    assertThat(a.kept()).isTrue();
  }

  @Test
  void backPressureIsQuotaExceededAndNotKept() {
    Answer a =
        Answer.notStored(
            new CompletionException(new JournalOverloadedException("full")), Duration.ofSeconds(1));

    assertThat(a.code()).isEqualTo(ReasonCode.QUOTA_EXCEEDED);
    assertThat(a.code().value()).isEqualTo(0x97);
    assertThat(a.kept()).isFalse();
  }

  @Test
  void aFailedOrSlowCommitIsUnspecifiedErrorAndNotKept() {
    Answer slow = Answer.notStored(new TimeoutException(), Duration.ofSeconds(30));
    Answer failed = Answer.notStored(new StoreException("disk full"), Duration.ofSeconds(30));

    assertThat(List.of(slow.code(), failed.code())).containsOnly(ReasonCode.UNSPECIFIED_ERROR);
    assertThat(slow.reason()).contains("PT30S");
    assertThat(failed.reason()).doesNotContain("disk full");
    assertThat(slow.kept()).isFalse();
    assertThat(failed.kept()).isFalse();
  }

  @Test
  void refusalsAreKeptWithTheirCode() {
    Answer a =
        Answer.refused(
            ReasonCode.TOPIC_NAME_INVALID,
            new Rejection(RejectionReason.UNROUTED, "topic", "no rule"));

    assertThat(a.code().value()).isEqualTo(0x90);
    assertThat(a.reason()).isEqualTo("unrouted (quarantined): no rule");
    assertThat(a.kept()).isTrue();
  }

  @Test
  void reasonStringsAreBounded() {
    Answer a = new Answer(ReasonCode.SUCCESS, "x".repeat(1000), true);
    assertThat(a.reason()).hasSize(Answer.MAX_REASON_LENGTH);
  }

  @Test
  void theWireValuesAreMqtt5s() {
    assertThat(ReasonCode.values())
        .extracting(ReasonCode::hex)
        .containsExactly("0x00", "0x80", "0x83", "0x87", "0x90", "0x97", "0x99");
  }
}
