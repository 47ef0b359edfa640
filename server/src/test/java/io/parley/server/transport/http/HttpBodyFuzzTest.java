package io.parley.server.transport.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.protocol.ChannelName;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Limits;
import io.parley.protocol.codec.FrameCodec;
import io.parley.protocol.codec.FrameDecodeException;
import io.parley.server.testing.Mutations;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Property-based fuzzing of the HTTP transport's request bodies: whatever bytes a client sends to
 * {@code POST /realtime/poll} or {@code /realtime/publish}, reading them yields a validated request
 * or a {@link FrameDecodeException} that becomes a 400/413 problem naming the field; nothing else
 * may escape (it would become a 500). Seeds are fixed so a run is repeatable; the tries come from
 * {@code jqwik.tries.default} in the server pom. For a longer run: {@code ./mvnw -B -pl server -am
 * verify -Dtest='*FuzzTest' -Dsurefire.failIfNoSpecifiedTests=false -Djqwik.tries.default=100000}.
 */
class HttpBodyFuzzTest {
  static final int MAX_BODY_BYTES = 4096;
  static final long MAX_WAIT_MS = 30_000;
  static final int MAX_CHANNELS = 8;

  private static final ObjectMapper JSON = new ObjectMapper();
  private final FrameCodec codec = FrameCodec.withMaxFrameBytes(MAX_BODY_BYTES);

  // ------------------------------------------------------------------ poll

  @Property(seed = "5101")
  void anyPollBodyIsReadOrRejectedWithATypedProblem(@ForAll("anyBody") String body) {
    assertReadOrTypedRejection(body, this::readPoll);
  }

  @Property(seed = "5102")
  void mutatedPollBodiesAreReadOrRejectedWithATypedProblem(@ForAll("mutatedPolls") String body) {
    assertReadOrTypedRejection(body, this::readPoll);
  }

  @Property(seed = "5103", edgeCases = EdgeCasesMode.NONE)
  void pollBodiesWithRandomValuesAreReadOrRejectedWithATypedProblem(
      @ForAll("structuredPolls") String body) {
    assertReadOrTypedRejection(body, this::readPoll);
  }

  // ------------------------------------------------------------------ publish

  @Property(seed = "5201")
  void anyPublishBodyIsReadOrRejectedWithATypedProblem(@ForAll("anyBody") String body) {
    assertReadOrTypedRejection(body, this::readPublish);
  }

  @Property(seed = "5202")
  void mutatedPublishBodiesAreReadOrRejectedWithATypedProblem(
      @ForAll("mutatedPublishes") String body) {
    assertReadOrTypedRejection(body, this::readPublish);
  }

  @Property(seed = "5203", edgeCases = EdgeCasesMode.NONE)
  void publishBodiesWithRandomValuesAreReadOrRejectedWithATypedProblem(
      @ForAll("structuredPublishes") String body) {
    assertReadOrTypedRejection(body, this::readPublish);
  }

  // ------------------------------------------------------------------ reading and checking

  private PollRequest readPoll(String body) {
    PollRequest request =
        PollRequest.read(RequestBody.parse(codec, body), MAX_WAIT_MS, MAX_CHANNELS);
    assertThat(request.clientId()).isNotEmpty().hasSizeLessThanOrEqualTo(Limits.MAX_ID_LENGTH);
    assertThat(request.waitMs()).isBetween(0L, MAX_WAIT_MS);
    assertThat(request.subscriptions()).isNotEmpty().hasSizeLessThanOrEqualTo(MAX_CHANNELS);
    assertThat(request.subscriptions().keySet())
        .allSatisfy(
            channel -> {
              assertThat(ChannelName.isValid(channel)).as(channel).isTrue();
              assertThat(channel).doesNotStartWith(ChannelName.SESSION_PREFIX);
            });
    assertThat(request.subscriptions().values())
        .allSatisfy(since -> assertThat(since == null || since.seq() >= 0).isTrue());
    return request;
  }

  private PublishRequest readPublish(String body) {
    PublishRequest request = PublishRequest.read(RequestBody.parse(codec, body));
    assertThat(ChannelName.isValid(request.channel())).isTrue();
    assertThat(request.event()).isNotEmpty().hasSizeLessThanOrEqualTo(Limits.MAX_EVENT_LENGTH);
    assertThat(request.data()).isNotNull();
    return request;
  }

  /**
   * Reading either succeeds or throws a {@link FrameDecodeException} whose problem is a 400 or 413
   * with a code other than INTERNAL, a message, and the field named whenever the body was a JSON
   * object; the problem body itself renders as JSON.
   */
  private static <T> void assertReadOrTypedRejection(String body, Function<String, T> read) {
    Throwable thrown = catchThrowable(() -> read.apply(body));
    if (thrown == null) {
      return;
    }
    assertThat(thrown).as("reading %s", body).isInstanceOf(FrameDecodeException.class);
    FrameDecodeException rejection = (FrameDecodeException) thrown;
    assertThat(rejection.code()).isNotNull().isNotEqualTo(ErrorCode.INTERNAL);
    assertThat(rejection.getMessage()).isNotBlank();
    if (rejection.code() != ErrorCode.BAD_JSON && rejection.code() != ErrorCode.FRAME_TOO_LARGE) {
      assertThat(rejection.field()).as("field of %s", rejection.getMessage()).isNotNull();
    }
    Problem problem = Problem.of(rejection);
    assertThat(problem.status()).isIn(400, 413);
    JsonNode rendered = parseJson(problem.toJson());
    assertThat(rendered.get("code").asText()).isEqualTo(rejection.code().name());
    assertThat(rendered.get("status").asInt()).isEqualTo(problem.status());
    if (rejection.field() != null) {
      assertThat(rendered.get("field").asText()).isEqualTo(rejection.field());
    }
  }

  private static FrameDecodeException rejection(Runnable read) {
    Throwable thrown = catchThrowable(read::run);
    assertThat(thrown).isInstanceOf(FrameDecodeException.class);
    return (FrameDecodeException) thrown;
  }

  private static JsonNode parseJson(String text) {
    try {
      return JSON.readTree(text);
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  // ------------------------------------------------------------------ generators

  /** Arbitrary text, and arbitrary bytes decoded as UTF-8 the way Vert.x decodes a body. */
  @Provide
  static Arbitrary<String> anyBody() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(300),
        Arbitraries.bytes()
            .array(byte[].class)
            .ofMaxSize(300)
            .map(bytes -> new String(bytes, StandardCharsets.UTF_8)),
        Arbitraries.strings().withChars("{}[]\":, \t\n0123456789-.eEtruefalsn\\").ofMaxLength(60),
        Arbitraries.strings().ofMinLength(MAX_BODY_BYTES - 50).ofMaxLength(MAX_BODY_BYTES + 50));
  }

  @Provide
  static Arbitrary<String> mutatedPolls() {
    return mutated(
        Arbitraries.of(
            "{\"clientId\":\"c1\",\"subscriptions\":{\"jobs:1\":null}}",
            "{\"clientId\":\"c1\",\"token\":\"t\",\"waitMs\":2500,"
                + "\"subscriptions\":{\"jobs:1\":{\"epoch\":\"e1\",\"seq\":3},\"b\":null}}",
            "{\"clientId\":\"c\",\"subscriptions\":{\"a.b-c_d\":{\"epoch\":\"x\",\"seq\":0}},"
                + "\"waitMs\":0}"));
  }

  @Provide
  static Arbitrary<String> mutatedPublishes() {
    return mutated(
        Arbitraries.of(
            "{\"channel\":\"jobs:1\",\"event\":\"progress\",\"data\":{\"pct\":10}}",
            "{\"channel\":\"a\",\"event\":\"e\",\"data\":[1,2.5,null,true,\"s\"],\"id\":\"p-1\","
                + "\"clientId\":\"backend\"}",
            "{\"channel\":\"session:abc\",\"event\":\"e\"}"));
  }

  @Provide
  static Arbitrary<String> structuredPolls() {
    Arbitrary<String> subscriptions =
        Combinators.combine(channelKey(), positionOrJunk())
            .as((channel, since) -> channel + ":" + since)
            .list()
            .ofMaxSize(MAX_CHANNELS + 2)
            .withSizeDistribution(net.jqwik.api.RandomDistribution.biased())
            .map(entries -> "{" + String.join(",", entries) + "}");
    return object(
        List.of(
            Tuple.of("clientId", text(Limits.MAX_ID_LENGTH)),
            Tuple.of("token", text(300)),
            Tuple.of(
                "waitMs",
                Arbitraries.frequencyOf(
                    Tuple.of(
                        9, Arbitraries.longs().between(-10, MAX_WAIT_MS + 10).map(String::valueOf)),
                    Tuple.of(1, Arbitraries.longs().map(String::valueOf)))),
            Tuple.of("subscriptions", subscriptions)));
  }

  @Provide
  static Arbitrary<String> structuredPublishes() {
    return object(
        List.of(
            Tuple.of("channel", channelKey()),
            Tuple.of("event", text(Limits.MAX_EVENT_LENGTH)),
            Tuple.of("data", anyJson()),
            Tuple.of("id", text(Limits.MAX_ID_LENGTH)),
            Tuple.of("clientId", text(Limits.MAX_ID_LENGTH))));
  }

  /**
   * A valid body with one character replaced by up to four noise characters, or cut short, or left
   * intact.
   */
  static Arbitrary<String> mutated(Arbitrary<String> valid) {
    Arbitrary<String> noise =
        Arbitraries.strings()
            .withChars("{}[]\":,0123456789-.eE truefalsn\\u\u0000\u00e9\ud83d")
            .ofMaxLength(4);
    return Mutations.of(valid, noise);
  }

  /**
   * A JSON object with each member present nine times in ten, holding a typical value nine times in
   * ten and any JSON value otherwise.
   */
  static Arbitrary<String> object(List<Tuple.Tuple2<String, Arbitrary<String>>> members) {
    List<Arbitrary<String>> parts = new ArrayList<>();
    for (Tuple.Tuple2<String, Arbitrary<String>> member : members) {
      parts.add(
          Arbitraries.frequencyOf(Tuple.of(9, member.get2()), Tuple.of(1, anyJson()))
              .map(value -> quote(member.get1()) + ":" + value)
              .injectNull(0.1));
    }
    return Combinators.combine(parts)
        .as(
            values -> {
              List<String> present = new ArrayList<>();
              for (String value : values) {
                if (value != null) {
                  present.add(value);
                }
              }
              return "{" + String.join(",", present) + "}";
            });
  }

  /** Channel names as JSON strings: mostly valid, some too long, reserved, empty or odd. */
  static Arbitrary<String> channelKey() {
    return Arbitraries.frequencyOf(
            Tuple.of(
                8, Arbitraries.strings().withChars("abcXYZ019:_-.").ofMinLength(1).ofMaxLength(12)),
            Tuple.of(1, Arbitraries.strings().withChars("abc:").ofMinLength(195).ofMaxLength(205)),
            Tuple.of(
                1, Arbitraries.strings().withChars("abc").ofMaxLength(5).map(s -> "session:" + s)),
            Tuple.of(1, Arbitraries.strings().ofMaxLength(10)))
        .map(HttpBodyFuzzTest::quote);
  }

  private static Arbitrary<String> positionOrJunk() {
    Arbitrary<String> position =
        Combinators.combine(
                text(Limits.MAX_EPOCH_LENGTH),
                Arbitraries.frequencyOf(
                    Tuple.of(8, Arbitraries.longs().between(0, 1000).map(String::valueOf)),
                    Tuple.of(1, Arbitraries.longs().map(String::valueOf)),
                    Tuple.of(
                        1,
                        Arbitraries.of(
                            "-1",
                            "0",
                            "1.5",
                            "1e3",
                            "9223372036854775808",
                            "\"3\"",
                            "null",
                            "[]"))))
            .as((epoch, seq) -> "{\"epoch\":" + epoch + ",\"seq\":" + seq + "}");
    return Arbitraries.frequencyOf(
        Tuple.of(8, position), Tuple.of(2, Arbitraries.just("null")), Tuple.of(1, anyJson()));
  }

  /** JSON strings, mostly of 1 to {@code limit} characters, sometimes empty or too long. */
  private static Arbitrary<String> text(int limit) {
    return Arbitraries.frequencyOf(
            Tuple.of(9, Arbitraries.strings().ofMinLength(1).ofMaxLength(limit)),
            Tuple.of(1, Arbitraries.strings().ofMaxLength(limit + 10)))
        .map(HttpBodyFuzzTest::quote);
  }

  /** Any JSON value, including deep nesting and extreme numbers. */
  static Arbitrary<String> anyJson() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.strings().ofMaxLength(20).map(HttpBodyFuzzTest::quote)),
        Tuple.of(2, Arbitraries.longs().map(String::valueOf)),
        Tuple.of(2, Arbitraries.doubles().map(String::valueOf)),
        Tuple.of(
            2,
            Arbitraries.of(
                "null",
                "true",
                "false",
                "[]",
                "{}",
                "1e400",
                "-0",
                "123456789012345678901234567890",
                "{\"epoch\":\"e\",\"seq\":1}")),
        Tuple.of(
            1,
            Arbitraries.integers()
                .between(1, 1100)
                .map(depth -> "[".repeat(depth) + "]".repeat(depth))));
  }

  /** {@code raw} as a JSON string literal. */
  static String quote(String raw) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : raw.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
