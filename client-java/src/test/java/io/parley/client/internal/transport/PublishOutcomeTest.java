package io.parley.client.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.client.Ack;
import io.parley.client.ConnectionException;
import io.parley.client.PublishRejectedException;
import io.parley.protocol.ErrorCategory;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import org.junit.jupiter.api.Test;

class PublishOutcomeTest {

  @Test
  void anAckIsAnAckFrameForTheIdAndThePublishersAck() {
    PublishOutcome acked = new PublishOutcome.Acked(12, "e3");

    assertThat(acked.frame("p-1")).isEqualTo(new ServerFrame.Ack("p-1", 12, "e3"));
    assertThat(acked.ack("jobs", "p-1")).isEqualTo(new Ack("jobs", "p-1", 12, "e3"));
    assertThat(acked.ack("jobs", null).id()).isEmpty();
  }

  @Test
  void aRefusalIsAnErrorFrameForTheIdAndThePublishersRejection() {
    PublishOutcome refused =
        new PublishOutcome.Refused(
            ProblemDetails.parse(
                new ObjectMapper(),
                429,
                "{\"detail\":\"slow down\",\"code\":\"RATE_LIMITED\",\"field\":\"channel\"}"));

    assertThat(refused.frame("p-2"))
        .isEqualTo(
            new ServerFrame.Error(
                "p-2",
                ErrorCode.RATE_LIMITED,
                ErrorCategory.APPLICATION,
                "HTTP 429: slow down",
                true,
                "channel"));
    assertThatThrownBy(() -> refused.ack("jobs", "p-2"))
        .isInstanceOfSatisfying(
            PublishRejectedException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(429);
              assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
              assertThat(e.retryable()).isTrue();
            });
  }

  @Test
  void aFailureIsARetryableInternalErrorAndThrowsItsCause() {
    ConnectionException cause = new ConnectionException("reset", null, null, null);
    PublishOutcome failed = new PublishOutcome.Failed(cause);

    assertThat(failed.frame("p-3"))
        .isEqualTo(
            new ServerFrame.Error(
                "p-3", ErrorCode.INTERNAL, ErrorCategory.CONNECTION, "reset", true, null));
    assertThatThrownBy(() -> failed.ack("jobs", "p-3")).isSameAs(cause);
  }
}
