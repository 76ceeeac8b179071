package org.vitalbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vitalbridge.mqtt.TopicAliases.Invalid;
import org.vitalbridge.mqtt.TopicAliases.Topic;

class TopicAliasesTest {
  private final TopicAliases aliases = new TopicAliases();

  @Test
  void aPublishWithoutAliasIsItsOwnTopic() {
    assertThat(aliases.resolve("a/b", null)).isEqualTo(new Topic("a/b"));
    assertThat(aliases.resolve("", null)).isEqualTo(new Topic(""));
  }

  @Test
  void anAliasSetWithATopicStandsForItUntilSetAgain() {
    assertThat(aliases.resolve("a/b", 1)).isEqualTo(new Topic("a/b"));
    assertThat(aliases.resolve("", 1)).isEqualTo(new Topic("a/b"));
    assertThat(aliases.resolve("c/d", 1)).isEqualTo(new Topic("c/d"));
    assertThat(aliases.resolve("", 1)).isEqualTo(new Topic("c/d"));
  }

  @Test
  void aliasZeroOrOverTheMaximumIsTopicAliasInvalid() {
    assertThat(aliases.resolve("a", 0))
        .isInstanceOfSatisfying(Invalid.class, i -> assertThat(i.code()).isEqualTo((byte) 0x94));
    assertThat(aliases.resolve("a", TopicAliases.MAXIMUM + 1))
        .isInstanceOfSatisfying(Invalid.class, i -> assertThat(i.code()).isEqualTo((byte) 0x94));
    assertThat(aliases.resolve("a", TopicAliases.MAXIMUM)).isEqualTo(new Topic("a"));
  }

  @Test
  void anAliasNeverSetIsAProtocolError() {
    assertThat(aliases.resolve("", 2))
        .isInstanceOfSatisfying(Invalid.class, i -> assertThat(i.code()).isEqualTo((byte) 0x82));
  }
}
