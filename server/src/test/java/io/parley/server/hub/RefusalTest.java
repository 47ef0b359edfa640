package io.parley.server.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.protocol.ErrorCode;
import io.parley.protocol.codec.FrameDecodeException;
import io.parley.server.auth.TokenRejectedException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class RefusalTest {
  private static final Refusal LIMITED =
      new Refusal(ErrorCode.RATE_LIMITED, "slow down", null, Duration.ofMillis(1_001));

  @Test
  void theRetryHintIsRoundedUpToWholeSecondsAndIsAtLeastOne() {
    assertThat(LIMITED.hasRetryAfter()).isTrue();
    assertThat(LIMITED.retryAfterSeconds()).isEqualTo(2);
    assertThat(Refusal.wholeSeconds(Duration.ofMillis(1))).isEqualTo(1);
    assertThat(Refusal.wholeSeconds(Duration.ofSeconds(5))).isEqualTo(5);
    assertThat(Refusal.of(ErrorCode.FORBIDDEN, "no", "channel").hasRetryAfter()).isFalse();
  }

  @Test
  void aFailedStageGivesBackTheRefusalItCarries() {
    Throwable wrapped = new CompletionException(LIMITED.toException());
    assertThat(Refusal.of(wrapped)).isEqualTo(LIMITED);
    assertThat(Refusal.ofFailure("publish", wrapped)).isEqualTo(LIMITED);
  }

  @Test
  void aFailureThatIsNotARefusalIsAnInternalError() {
    Throwable fault = new CompletionException(new IllegalStateException("backplane down"));
    assertThat(Refusal.of(fault)).isNull();
    Refusal internal = Refusal.ofFailure("publish", fault);
    assertThat(internal.code()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(internal.message()).isEqualTo("publish failed; retry it");
  }

  @Test
  void aRejectedTokenIsRefusedNamingTheTokenField() {
    Refusal refused =
        Refusal.ofRejectedToken(new TokenRejectedException(ErrorCode.TOKEN_EXPIRED, "expired"));
    assertThat(refused).isEqualTo(Refusal.of(ErrorCode.TOKEN_EXPIRED, "expired", "token"));
    assertThat(refused.atField("Authorization").field()).isEqualTo("Authorization");
  }

  @Test
  void anUnreadableFrameIsRefusedNamingItsField() {
    Refusal refused =
        Refusal.ofUnreadable(
            new FrameDecodeException(ErrorCode.MISSING_FIELD, "event", "r1", "event is required"));
    assertThat(refused)
        .isEqualTo(Refusal.of(ErrorCode.MISSING_FIELD, "event is required", "event"));
  }
}
