package io.parley.server.transport.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.codec.FrameDecodeException;
import io.parley.server.hub.Refusal;
import org.junit.jupiter.api.Test;

class ProblemTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void eachRefusalGetsTheStatusItsCodeCallsFor() {
    assertThat(Problem.of(Refusal.of(ErrorCode.FORBIDDEN, "no", "channel")).status())
        .isEqualTo(403);
    assertThat(Problem.of(Refusal.of(ErrorCode.CHANNEL_RESERVED, "no", "channel")).status())
        .isEqualTo(403);
    assertThat(Problem.of(Refusal.of(ErrorCode.RATE_LIMITED, "slow", null)).status())
        .isEqualTo(429);
    assertThat(Problem.of(Refusal.of(ErrorCode.TOKEN_EXPIRED, "old", "token")).status())
        .isEqualTo(401);
    assertThat(Problem.of(Refusal.of(ErrorCode.POSITION_AHEAD, "ahead", "since")).status())
        .isEqualTo(400);
    assertThat(Problem.of(Refusal.of(ErrorCode.SERVER_UNAVAILABLE, "full", null)).status())
        .isEqualTo(503);
    assertThat(Problem.of(Refusal.of(ErrorCode.INTERNAL, "oops", null)).status()).isEqualTo(500);
  }

  @Test
  void aRejectedBodyIsA400WhateverItsCodeOrA413WhenTooLarge() {
    assertThat(
            Problem.of(
                    new FrameDecodeException(
                        ErrorCode.CHANNEL_RESERVED, "subscriptions.session:x", null, "reserved"))
                .status())
        .isEqualTo(400);
    assertThat(
            Problem.of(new FrameDecodeException(ErrorCode.FRAME_TOO_LARGE, null, null, "big"))
                .status())
        .isEqualTo(413);
  }

  @Test
  void theBodyIsAnRfc9457ProblemWithParleysMembers() throws Exception {
    Problem problem =
        Problem.of(
            Refusal.of(
                ErrorCode.FORBIDDEN,
                "the token does not grant subscribe on channel a",
                "subscriptions.a"));

    JsonNode body = JSON.readTree(problem.toJson());

    assertThat(body.get("type").asText()).isEqualTo("urn:parley:problem:forbidden");
    assertThat(body.get("title").asText()).isEqualTo("Forbidden");
    assertThat(body.get("status").asInt()).isEqualTo(403);
    assertThat(body.get("detail").asText())
        .isEqualTo("the token does not grant subscribe on channel a");
    assertThat(body.get("code").asText()).isEqualTo("FORBIDDEN");
    assertThat(body.get("category").asText()).isEqualTo("application");
    assertThat(body.get("retryable").asBoolean()).isFalse();
    assertThat(body.get("field").asText()).isEqualTo("subscriptions.a");
  }
}
