package io.parley.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelPatternsTest {

  @Test
  void exactNamesPrefixesAndEverything() {
    ChannelPatterns patterns = ChannelPatterns.of(List.of("jobs:*", "chat:lobby"));
    assertThat(patterns.matches("jobs:42")).isTrue();
    assertThat(patterns.matches("jobs:")).isTrue();
    assertThat(patterns.matches("jobsx")).isFalse();
    assertThat(patterns.matches("chat:lobby")).isTrue();
    assertThat(patterns.matches("chat:lobby2")).isFalse();
    assertThat(ChannelPatterns.of(List.of("*")).matches("anything")).isTrue();
    assertThat(ChannelPatterns.none().matches("jobs:1")).isFalse();
  }

  @Test
  void identitiesWithTheSameGrantsShareOneInstanceUntilTheBound() {
    ChannelPatterns first = ChannelPatterns.of(List.of("shared:*", "lobby"));
    ChannelPatterns second = ChannelPatterns.of(new ArrayList<>(List.of("shared:*", "lobby")));
    assertThat(second).isSameAs(first);

    // Past the bound, new lists are parsed each time (and still work).
    for (int i = 0; i < ChannelPatterns.SHARED_MAX; i++) {
      ChannelPatterns.of(List.of("filler:" + i));
    }
    ChannelPatterns late = ChannelPatterns.of(List.of("late:*"));
    assertThat(ChannelPatterns.of(List.of("late:*"))).isNotSameAs(late);
    assertThat(late.matches("late:1")).isTrue();
    assertThat(ChannelPatterns.of(List.of("shared:*", "lobby"))).isSameAs(first);
  }

  @Test
  void aPatternThatIsNotAChannelNameIsRefusedByName() {
    assertThatThrownBy(() -> ChannelPatterns.of(List.of("jobs:*", "bad channel")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"bad channel\"");
    assertThatThrownBy(() -> ChannelPatterns.of(List.of("a*b*"))).hasMessageContaining("\"a*b*\"");
  }

  @Test
  void sessionChannelsNeedThePublisherRoleWhateverThePatterns() {
    ChannelPatterns all = ChannelPatterns.of(List.of("*"));
    Identity user = new Identity("u", all, all, false, false, Long.MAX_VALUE);
    Identity backend =
        new Identity(
            "b", ChannelPatterns.none(), ChannelPatterns.none(), true, false, Long.MAX_VALUE);
    assertThat(user.mayPublish("session:abc")).isFalse();
    assertThat(user.mayPublish("jobs:1")).isTrue();
    assertThat(backend.mayPublish("session:abc")).isTrue();
    assertThat(user.maySubscribe("user:u")).isTrue();
    assertThat(
            new Identity("u", ChannelPatterns.none(), all, false, false, 0).maySubscribe("user:v"))
        .isFalse();
  }
}
