package io.parley.server.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.protocol.ChannelName;
import io.parley.protocol.ErrorCode;
import io.parley.server.auth.ChannelPatterns;
import io.parley.server.auth.Identity;
import io.parley.server.auth.ProbeCredential;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelRulesTest {
  private static final ChannelPatterns ALL = ChannelPatterns.of(List.of("*"));
  private static final ChannelPatterns JOBS = ChannelPatterns.of(List.of("jobs:*"));
  private static final Identity USER = new Identity("u", JOBS, JOBS, false, false, Long.MAX_VALUE);
  private static final Identity BACKEND = new Identity("b", ALL, ALL, true, false, Long.MAX_VALUE);

  private static Session session(Identity identity) {
    return new Session("s1", "c1", identity, new RecordingSink(), null, null, 0);
  }

  @Test
  void sessionChannelsAreReservedForEveryClientOperationWhateverTheToken() {
    Session backend = session(BACKEND);
    assertThat(ChannelRules.refuseSubscribe(backend, "session:x").code())
        .isEqualTo(ErrorCode.CHANNEL_RESERVED);
    assertThat(ChannelRules.refuseUnsubscribe("session:s1").code())
        .isEqualTo(ErrorCode.CHANNEL_RESERVED);
    assertThat(ChannelRules.refuseSessionPublish("session:x").code())
        .isEqualTo(ErrorCode.CHANNEL_RESERVED);
    assertThat(ChannelRules.refuseRead("session:x").code()).isEqualTo(ErrorCode.CHANNEL_RESERVED);
    assertThat(ChannelRules.refuseRead(BACKEND, "session:x").code())
        .isEqualTo(ErrorCode.CHANNEL_RESERVED);
  }

  @Test
  void theBroadcastChannelIsEveryonesToReadAndNobodysToPublishOrLeave() {
    // USER's token grants only jobs:*, yet the broadcast channel is its too.
    assertThat(ChannelRules.refuseSubscribe(session(USER), ChannelName.BROADCAST)).isNull();
    assertThat(ChannelRules.refuseRead(USER, ChannelName.BROADCAST)).isNull();
    assertThat(ChannelRules.isAutomatic(session(USER), ChannelName.BROADCAST)).isTrue();
    assertThat(ChannelRules.refuseUnsubscribe(ChannelName.BROADCAST).code())
        .isEqualTo(ErrorCode.CHANNEL_RESERVED);
    assertThat(ChannelRules.refuseSessionPublish(ChannelName.BROADCAST).code())
        .isEqualTo(ErrorCode.CHANNEL_RESERVED);
    Refusal backend = ChannelRules.refusePublish(BACKEND, ChannelName.BROADCAST);
    assertThat(backend.code()).isEqualTo(ErrorCode.CHANNEL_RESERVED);
    assertThat(backend.message()).contains("/realtime/admin/broadcast");
  }

  @Test
  void probeChannelsAreReservedToTheProbeWhateverTheTokenGrants() {
    for (Refusal refused :
        List.of(
            ChannelRules.refuseSubscribe(session(BACKEND), "_probe:n:r"),
            ChannelRules.refusePublish(BACKEND, "_probe:n:r"),
            ChannelRules.refuseRead(BACKEND, "_probe:n:r"))) {
      assertThat(refused.code()).isEqualTo(ErrorCode.CHANNEL_RESERVED);
      assertThat(refused.field()).isEqualTo("channel");
      assertThat(refused.message())
          .contains("channel _probe:n:r is reserved for the server's self-tests");
    }
    Identity probe = ProbeCredential.IDENTITY;
    assertThat(probe.probe()).isTrue();
    assertThat(ChannelRules.refuseSubscribe(session(probe), "_probe:n:r")).isNull();
    assertThat(ChannelRules.refusePublish(probe, "_probe:n:r")).isNull();
    assertThat(ChannelRules.refuseRead(probe, "_probe:n:r")).isNull();
    assertThat(ChannelRules.refusePublish(probe, "jobs:1").code()).isEqualTo(ErrorCode.FORBIDDEN);
  }

  @Test
  void onlyThePublisherRolePublishesToSessionChannelsStatelessly() {
    assertThat(ChannelRules.refusePublish(BACKEND, "session:x")).isNull();
    Refusal refused = ChannelRules.refusePublish(USER, "session:x");
    assertThat(refused.code()).isEqualTo(ErrorCode.CHANNEL_RESERVED);
    assertThat(refused.message()).contains("publisher role");
  }

  @Test
  void channelsTheTokenDoesNotGrantAreForbiddenNamingTheOperation() {
    Refusal subscribe = ChannelRules.refuseSubscribe(session(USER), "chat:1");
    assertThat(subscribe.code()).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(subscribe.field()).isEqualTo("channel");
    assertThat(subscribe.message())
        .isEqualTo("the token does not grant subscribe on channel chat:1");
    assertThat(ChannelRules.refusePublish(USER, "chat:1").message())
        .isEqualTo("the token does not grant publish on channel chat:1");
    assertThat(ChannelRules.refuseRead(USER, "chat:1").code()).isEqualTo(ErrorCode.FORBIDDEN);
  }

  @Test
  void grantedChannelsAndTheUsersOwnChannelAreAllowed() {
    Session user = session(USER);
    assertThat(ChannelRules.refuseSubscribe(user, "jobs:1")).isNull();
    assertThat(ChannelRules.refuseSubscribe(user, "user:u")).isNull();
    assertThat(ChannelRules.refuseSessionPublish("jobs:1")).isNull();
    assertThat(ChannelRules.refusePublish(USER, "jobs:1")).isNull();
    assertThat(ChannelRules.refuseRead(USER, "jobs:1")).isNull();
    assertThat(ChannelRules.refuseUnsubscribe("jobs:1")).isNull();
  }

  @Test
  void aRefreshedTokenKeepsTheAutomaticChannelsAndDropsWhatItNoLongerGrants() {
    Session user = session(USER);
    Identity narrower =
        new Identity("u", ChannelPatterns.none(), ChannelPatterns.none(), false, false, 0);
    assertThat(ChannelRules.refuseKeeping(user, narrower, "user:u")).isNull();
    assertThat(ChannelRules.refuseKeeping(user, narrower, "session:s1")).isNull();
    assertThat(ChannelRules.refuseKeeping(user, narrower, "jobs:1").code())
        .isEqualTo(ErrorCode.FORBIDDEN);
  }

  @Test
  void aSessionChannelNamesItsSession() {
    assertThat(ChannelRules.sessionOf("session:abc")).isEqualTo("abc");
    assertThat(ChannelRules.sessionOf("user:abc")).isNull();
  }
}
