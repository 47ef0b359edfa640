package io.parley.server.transport.socketio.binding;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.protocol.ErrorCode;
import io.parley.server.hub.Refusal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SocketIoRefusalTest {
  private static final Refusal FORBIDDEN =
      Refusal.of(ErrorCode.FORBIDDEN, "the token does not grant subscribe on channel a", "channel");

  @Test
  void anAckCarriesTheRefusalUnderError() {
    assertThat(SocketIoRefusal.ack(FORBIDDEN).toString())
        .isEqualTo(
            "{\"error\":{\"code\":\"FORBIDDEN\",\"category\":\"application\",\"message\":\"the"
                + " token does not grant subscribe on channel a\",\"retryable\":false,"
                + "\"field\":\"channel\"}}");
  }

  @Test
  void anErrorEventCarriesTheRefusalAloneAndLeavesOutAMissingField() {
    Refusal unavailable = Refusal.of(ErrorCode.SERVER_UNAVAILABLE, "full", null);
    assertThat(SocketIoRefusal.event(unavailable).toString())
        .isEqualTo(
            "{\"code\":\"SERVER_UNAVAILABLE\",\"category\":\"connection\",\"message\":\"full\","
                + "\"retryable\":true}");
  }

  @Test
  void aRetryHintGoesOutAsRetryAfterMs() {
    Refusal limited =
        new Refusal(ErrorCode.RATE_LIMITED, "retry after 250 ms", null, Duration.ofMillis(250));
    assertThat(SocketIoRefusal.event(limited).get("retryAfterMs").asLong()).isEqualTo(250);
  }

  @Test
  void aConnectErrorHasTheMessageAndTheRefusalAsData() {
    var payload = SocketIoRefusal.connectError("auth: bad", FORBIDDEN);
    assertThat(payload.get("message").asText()).isEqualTo("auth: bad");
    assertThat(payload.get("data")).isEqualTo(SocketIoRefusal.event(FORBIDDEN));
  }
}
