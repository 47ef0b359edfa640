package io.parley.server.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.codec.FrameCodec;
import io.parley.server.hub.Refusal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class NativeRefusalTest {
  private final FrameCodec codec = FrameCodec.create();

  @Test
  void aRefusalIsAnErrorFrameAnsweringItsRequest() {
    Refusal refusal =
        new Refusal(ErrorCode.RATE_LIMITED, "retry after 100 ms", null, Duration.ofMillis(100));

    ServerFrame.Error frame = NativeRefusal.frame("p3", refusal);

    assertThat(frame)
        .isEqualTo(
            ServerFrame.Error.of("p3", ErrorCode.RATE_LIMITED, "retry after 100 ms", null)
                .withRetryAfterMs(100));
    assertThat(codec.encode(frame))
        .contains("\"type\":\"error\"")
        .contains("\"id\":\"p3\"")
        .contains("\"code\":\"RATE_LIMITED\"")
        .contains("\"retryAfterMs\":100");
  }

  @Test
  void connectionTroubleClosesWithTryAgainLaterAndTheRestWithPolicyViolation() {
    assertThat(NativeRefusal.closeCode(Refusal.of(ErrorCode.SLOW_CONSUMER, "behind", null)))
        .isEqualTo(1013);
    assertThat(NativeRefusal.closeCode(Refusal.of(ErrorCode.TOKEN_EXPIRED, "expired", "token")))
        .isEqualTo(1008);
  }
}
