package io.parley.client.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.protocol.ErrorCategory;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Position;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.codec.FrameCodec;
import io.parley.protocol.codec.FrameDecodeException;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

/** Socket.IO payloads (as the official client hands them over) mapped to Parley frames. */
class SocketIoFramesTest {
  private final FrameCodec codec = FrameCodec.create();

  @Test
  void turnsASubscribeAckIntoSubscribedForTheRequest() throws Exception {
    JSONObject ack =
        new JSONObject(
            "{\"channel\":\"jobs\",\"position\":{\"epoch\":\"e1\",\"seq\":4},\"recovered\":true}");

    ServerFrame frame = SocketIoFrames.decode(codec, "subscribed", "s1", ack);

    assertThat(frame)
        .isEqualTo(new ServerFrame.Subscribed("s1", "jobs", new Position("e1", 4), true));
  }

  @Test
  void turnsAnErrorAckIntoAnErrorForTheRequest() throws Exception {
    JSONObject ack =
        new JSONObject(
            "{\"error\":{\"code\":\"FORBIDDEN\",\"category\":\"application\","
                + "\"message\":\"not yours\",\"retryable\":false,\"field\":\"channel\"}}");

    ServerFrame frame = SocketIoFrames.decode(codec, "subscribed", "s2", ack);

    assertThat(frame)
        .isEqualTo(
            new ServerFrame.Error(
                "s2",
                ErrorCode.FORBIDDEN,
                ErrorCategory.APPLICATION,
                "not yours",
                false,
                "channel"));
  }

  @Test
  void turnsMessageAndGapEventsIntoFrames() throws Exception {
    ServerFrame message =
        SocketIoFrames.decode(
            codec,
            "message",
            null,
            new JSONObject(
                "{\"channel\":\"jobs\",\"epoch\":\"e1\",\"seq\":5,\"event\":\"p\","
                    + "\"data\":{\"pct\":[1,2]},\"ts\":99}"));
    ServerFrame gap =
        SocketIoFrames.decode(
            codec,
            "gap",
            null,
            new JSONObject(
                "{\"channel\":\"jobs\",\"from\":{\"epoch\":\"e0\",\"seq\":2},"
                    + "\"to\":{\"epoch\":\"e1\",\"seq\":4}}"));

    assertThat(message).isInstanceOf(ServerFrame.Message.class);
    assertThat(((ServerFrame.Message) message).data().toString()).isEqualTo("{\"pct\":[1,2]}");
    assertThat(((ServerFrame.Message) message).position()).isEqualTo(new Position("e1", 5));
    assertThat(gap)
        .isEqualTo(new ServerFrame.Gap("jobs", new Position("e0", 2), new Position("e1", 4)));
  }

  @Test
  void readsAPublishAckWithItsEpochOrItsError() throws Exception {
    ServerFrame ok =
        SocketIoFrames.decode(codec, "ack", "p1", new JSONObject("{\"seq\":7,\"epoch\":\"e1\"}"));
    ServerFrame refused =
        SocketIoFrames.decode(
            codec,
            "ack",
            "p2",
            new JSONObject(
                "{\"error\":{\"code\":\"RATE_LIMITED\",\"message\":\"slow down\","
                    + "\"retryable\":true}}"));

    assertThat(ok).isEqualTo(new ServerFrame.Ack("p1", 7, "e1"));
    assertThat(refused)
        .isInstanceOfSatisfying(
            ServerFrame.Error.class,
            error -> {
              assertThat(error.id()).isEqualTo("p2");
              assertThat(error.code()).isEqualTo(ErrorCode.RATE_LIMITED);
              assertThat(error.retryable()).isTrue();
            });
  }

  @Test
  void rejectsAMissingOrMalformedPayload() throws Exception {
    assertThatThrownBy(() -> SocketIoFrames.decode(codec, "message", null, null))
        .isInstanceOfSatisfying(
            FrameDecodeException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.MISSING_FIELD));
    assertThatThrownBy(
            () -> SocketIoFrames.decode(codec, "message", null, new JSONObject("{\"seq\":1}")))
        .isInstanceOfSatisfying(
            FrameDecodeException.class, e -> assertThat(e.field()).isEqualTo("channel"));
  }

  @Test
  void readsAnAuthAckAsNothingWhenAcceptedAndAsAConnectionErrorWhenRefused() throws Exception {
    assertThat(SocketIoFrames.authAck(codec, new JSONObject("{\"ok\":true}"))).isNull();

    ServerFrame.Error refused =
        SocketIoFrames.authAck(
            codec,
            new JSONObject(
                "{\"error\":{\"code\":\"TOKEN_INVALID\",\"category\":\"authentication\","
                    + "\"message\":\"another sub\",\"retryable\":false,\"field\":\"token\"}}"));

    assertThat(refused)
        .isEqualTo(
            new ServerFrame.Error(
                null,
                ErrorCode.TOKEN_INVALID,
                ErrorCategory.AUTHENTICATION,
                "another sub",
                false,
                "token"));
  }

  @Test
  void readsTheServersRefreshRequestEvent() throws Exception {
    JSONObject event =
        new JSONObject(
            "{\"code\":\"TOKEN_REFRESH_REQUIRED\",\"category\":\"authentication\","
                + "\"message\":\"refresh within 30000 ms\",\"retryable\":true,\"field\":\"token\"}");

    ServerFrame frame = SocketIoFrames.decode(codec, "error", null, event);

    assertThat(frame)
        .isEqualTo(
            new ServerFrame.Error(
                null,
                ErrorCode.TOKEN_REFRESH_REQUIRED,
                ErrorCategory.AUTHENTICATION,
                "refresh within 30000 ms",
                true,
                "token"));
  }
}
