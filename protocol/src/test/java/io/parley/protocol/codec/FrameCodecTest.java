package io.parley.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCategory;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Frame;
import io.parley.protocol.Position;
import io.parley.protocol.ServerFrame;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FrameCodecTest {
  private final FrameCodec codec = FrameCodec.withMaxFrameBytes(1024);

  static List<ClientFrame> clientFrames() {
    ObjectNode data = JsonNodeFactory.instance.objectNode().put("progress", 42).put("é", "ü");
    return List.of(
        new ClientFrame.Hello("tok", "client-1"),
        new ClientFrame.Hello(null, "client-1"),
        new ClientFrame.Subscribe("1", "jobs:7", new Position("e1", 5)),
        new ClientFrame.Subscribe("2", "jobs:7", null),
        new ClientFrame.Unsubscribe("3", "jobs:7"),
        new ClientFrame.Publish("p-1", "jobs:7", "progress", data),
        new ClientFrame.Ping(123),
        new ClientFrame.Pong(124),
        new ClientFrame.Auth("new-token"));
  }

  static List<ServerFrame> serverFrames() {
    return List.of(
        new ServerFrame.Welcome("s1", new ServerFrame.Heartbeat(25_000, 60_000), "node-a"),
        new ServerFrame.Subscribed("1", "jobs:7", new Position("e1", 9), true),
        new ServerFrame.Unsubscribed("3", "jobs:7"),
        new ServerFrame.Message(
            "jobs:7", "e1", 10, "progress", JsonNodeFactory.instance.numberNode(3), 1700),
        new ServerFrame.Ack("p-1", 10, "e1"),
        new ServerFrame.Gap("jobs:7", new Position("old", 3), new Position("e1", 7)),
        ServerFrame.Error.of("1", ErrorCode.INVALID_CHANNEL, "bad", "channel"),
        ServerFrame.Error.of(null, ErrorCode.SLOW_CONSUMER, "too slow", null),
        ServerFrame.Error.of("2", ErrorCode.RATE_LIMITED, "slow down", null).withRetryAfterMs(750),
        new ServerFrame.Ping(5),
        new ServerFrame.Pong(6),
        new ServerFrame.Reconnect("draining", 2_000));
  }

  @ParameterizedTest
  @MethodSource("clientFrames")
  void clientFramesRoundTrip(ClientFrame frame) {
    assertThat(codec.decodeClient(codec.encode(frame))).isEqualTo(frame);
  }

  @ParameterizedTest
  @MethodSource("serverFrames")
  void serverFramesRoundTrip(ServerFrame frame) {
    assertThat(codec.decodeServer(codec.encode(frame))).isEqualTo(frame);
  }

  @Test
  void encodesCompactlyWithTypeFirst() {
    Frame frame = new ServerFrame.Ack("p-1", 10, "e1");
    assertThat(codec.encode(frame))
        .isEqualTo("{\"type\":\"ack\",\"id\":\"p-1\",\"seq\":10,\"epoch\":\"e1\"}");
  }

  @Test
  void ignoresUnknownFields() {
    ClientFrame frame = codec.decodeClient("{\"type\":\"ping\",\"ts\":1,\"future\":{\"x\":[1,2]}}");
    assertThat(frame).isEqualTo(new ClientFrame.Ping(1));
  }

  @Test
  void rejectsMalformedJson() {
    assertRejected("{\"type\":", ErrorCode.BAD_JSON, null);
  }

  @Test
  void rejectsJsonThatIsNotAnObject() {
    assertRejected("[1,2]", ErrorCode.BAD_JSON, null);
    assertRejected("\"hello\"", ErrorCode.BAD_JSON, null);
  }

  @Test
  void rejectsUnknownTypeAndListsTheKnownOnes() {
    assertThatThrownBy(() -> codec.decodeClient("{\"type\":\"shout\",\"id\":\"9\"}"))
        .isInstanceOfSatisfying(
            FrameDecodeException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TYPE);
              assertThat(e.field()).isEqualTo("type");
              assertThat(e.requestId()).isEqualTo("9");
              assertThat(e.getMessage()).contains("'shout'").contains("subscribe");
            });
  }

  @Test
  void rejectsServerFrameTypeFromClient() {
    assertRejected("{\"type\":\"welcome\"}", ErrorCode.UNKNOWN_TYPE, "type");
  }

  @Test
  void rejectsMissingType() {
    assertRejected("{\"id\":\"1\"}", ErrorCode.MISSING_FIELD, "type");
  }

  @Test
  void rejectsMissingFieldNamingIt() {
    assertRejected("{\"type\":\"subscribe\",\"id\":\"1\"}", ErrorCode.MISSING_FIELD, "channel");
  }

  @Test
  void rejectsMistypedFieldNamingIt() {
    assertThatThrownBy(() -> codec.decodeClient("{\"type\":\"hello\",\"clientId\":42}"))
        .isInstanceOfSatisfying(
            FrameDecodeException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD);
              assertThat(e.field()).isEqualTo("clientId");
              assertThat(e.getMessage()).isEqualTo("clientId must be a string but got an integer");
            });
  }

  @Test
  void rejectsNestedMistypedFieldWithItsPath() {
    assertRejected(
        "{\"type\":\"subscribe\",\"id\":\"1\",\"channel\":\"a\",\"since\":{\"epoch\":\"e\","
            + "\"seq\":-1}}",
        ErrorCode.INVALID_FIELD,
        "since.seq");
    assertRejected(
        "{\"type\":\"subscribe\",\"id\":\"1\",\"channel\":\"a\",\"since\":7}",
        ErrorCode.INVALID_FIELD,
        "since");
  }

  @Test
  void rejectsChannelOutsideThePattern() {
    assertThatThrownBy(
            () -> codec.decodeClient("{\"type\":\"subscribe\",\"id\":\"1\",\"channel\":\"a b\"}"))
        .isInstanceOfSatisfying(
            FrameDecodeException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CHANNEL);
              assertThat(e.field()).isEqualTo("channel");
              assertThat(e.requestId()).isEqualTo("1");
              assertThat(e.getMessage())
                  .isEqualTo(
                      "channel must be 1 to 200 characters from [A-Za-z0-9:_-.] but has ' '"
                          + " (U+0020) at position 2");
            });
    String tooLong = "c".repeat(201);
    assertRejected(
        "{\"type\":\"subscribe\",\"id\":\"1\",\"channel\":\"" + tooLong + "\"}",
        ErrorCode.INVALID_CHANNEL,
        "channel");
  }

  @Test
  void namesTheTypeOfAChannelThatIsNotAString() {
    assertThatThrownBy(
            () -> codec.decodeClient("{\"type\":\"subscribe\",\"id\":\"1\",\"channel\":7}"))
        .isInstanceOfSatisfying(
            FrameDecodeException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CHANNEL);
              assertThat(e.getMessage()).endsWith("but was an integer");
            });
  }

  @Test
  void refusesANumberBeyondTheDoubleRangeNamingItsPathInData() {
    assertRejected(
        "{\"type\":\"publish\",\"id\":\"p\",\"channel\":\"a\",\"event\":\"e\","
            + "\"data\":{\"points\":[1,-1e400]}}",
        ErrorCode.INVALID_FIELD,
        "data.points[1]");
    assertRejected(
        "{\"type\":\"publish\",\"id\":\"p\",\"channel\":\"a\",\"event\":\"e\",\"data\":1e400}",
        ErrorCode.INVALID_FIELD,
        "data");
  }

  @Test
  void keepsNumbersAtTheEdgesOfTheDoubleRange() {
    ClientFrame frame =
        codec.decodeClient(
            "{\"type\":\"publish\",\"id\":\"p\",\"channel\":\"a\",\"event\":\"e\","
                + "\"data\":[1.7976931348623157e308,4.9e-324,1e-400,123456789012345678901234567890]}");

    assertThat(((ClientFrame.Publish) frame).data().toString())
        .isEqualTo("[1.7976931348623157E308,4.9E-324,0.0,123456789012345678901234567890]");
  }

  @Test
  void rejectsOversizeFrameBeforeParsing() {
    String big = "{\"type\":\"ping\",\"pad\":\"" + "x".repeat(1100) + "\"}";
    assertRejected(big, ErrorCode.FRAME_TOO_LARGE, null);
  }

  @Test
  void countsMultiByteCharactersAsTheirUtf8Bytes() {
    // 400 chars of 3 UTF-8 bytes each: 1,200 bytes, over the 1,024 limit.
    String big = "{\"type\":\"ping\",\"pad\":\"" + "€".repeat(400) + "\"}";
    assertRejected(big, ErrorCode.FRAME_TOO_LARGE, null);
  }

  @Test
  void rejectsDuplicateKeys() {
    assertRejected("{\"type\":\"ping\",\"type\":\"auth\"}", ErrorCode.BAD_JSON, null);
  }

  @Test
  void rejectsDeepNesting() {
    String deep = "{\"type\":\"ping\",\"x\":" + "[".repeat(100) + "]".repeat(100) + "}";
    assertRejected(deep, ErrorCode.BAD_JSON, null);
  }

  @Test
  void errorFrameFromNewerServerWithUnknownCodeStillDecodes() {
    ServerFrame frame =
        codec.decodeServer(
            "{\"type\":\"error\",\"code\":\"FROM_THE_FUTURE\",\"category\":\"application\","
                + "\"message\":\"m\",\"retryable\":false}");
    assertThat(frame)
        .isInstanceOfSatisfying(
            ServerFrame.Error.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
              assertThat(e.category()).isEqualTo(ErrorCategory.APPLICATION);
            });
  }

  @Test
  void publishWithoutDataCarriesJsonNull() {
    ClientFrame frame =
        codec.decodeClient("{\"type\":\"publish\",\"id\":\"1\",\"channel\":\"a\",\"event\":\"e\"}");
    assertThat(((ClientFrame.Publish) frame).data().isNull()).isTrue();
  }

  private void assertRejected(String text, ErrorCode code, String field) {
    assertThatThrownBy(() -> codec.decodeClient(text))
        .isInstanceOfSatisfying(
            FrameDecodeException.class,
            e -> {
              assertThat(e.code()).isEqualTo(code);
              assertThat(e.field()).isEqualTo(field);
            });
  }
}
