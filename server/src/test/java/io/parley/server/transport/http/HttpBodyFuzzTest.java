package io.parley.server.transport.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.protocol.ChannelName;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Limits;
import io.parley.protocol.codec.FrameCodec;
import io.parley.protocol.codec.FrameDecodeException;
import io.parley.protocol.testing.RandomInputs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing of the HTTP transport's request bodies: whatever bytes a client sends to {@code POST
 * /realtime/poll} or {@code /realtime/publish}, reading them yields a validated request or a {@link
 * FrameDecodeException} that becomes a 400/413 problem naming the field; nothing else may escape
 * (it would become a 500).
 *
 * <p>The {@code @FuzzTest}s are Jazzer targets. In the regular build they replay the committed
 * inputs under {@code HttpBodyFuzzTestInputs/<method>/} in the test resources ({@link
 * HttpBodyFuzzIT} also sends them); with {@code JAZZER_FUZZ=1} they are fuzzed, coverage-guided
 * (docs/security.md, "Fuzzing"). The {@code @Test}s run the same checks over generated values from
 * fixed seeds.
 */
class HttpBodyFuzzTest {
  static final int MAX_BODY_BYTES = 4096;
  static final long MAX_WAIT_MS = 30_000;
  static final int MAX_CHANNELS = 8;
  private static final int SAMPLES = 500;

  private static final ObjectMapper JSON = new ObjectMapper();
  private final FrameCodec codec = FrameCodec.withMaxFrameBytes(MAX_BODY_BYTES);

  // ------------------------------------------------------------------ Jazzer targets

  /** Any bytes, decoded as Vert.x decodes a body (UTF-8). */
  @FuzzTest
  void anyPollBodyBytesAreReadOrRejectedWithATypedProblem(byte[] body) {
    assertReadOrTypedRejection(new String(body, StandardCharsets.UTF_8), this::readPoll);
  }

  /** Any bytes, decoded as Vert.x decodes a body (UTF-8). */
  @FuzzTest
  void anyPublishBodyBytesAreReadOrRejectedWithATypedProblem(byte[] body) {
    assertReadOrTypedRejection(new String(body, StandardCharsets.UTF_8), this::readPublish);
  }

  /** Poll bodies with members and values chosen by the fuzzer. */
  @FuzzTest
  void fuzzedPollBodiesAreReadOrRejectedWithATypedProblem(FuzzedDataProvider data) {
    assertReadOrTypedRejection(structuredPoll(RandomInputs.fuzzed(data)), this::readPoll);
  }

  /** Publish bodies with members and values chosen by the fuzzer. */
  @FuzzTest
  void fuzzedPublishBodiesAreReadOrRejectedWithATypedProblem(FuzzedDataProvider data) {
    assertReadOrTypedRejection(structuredPublish(RandomInputs.fuzzed(data)), this::readPublish);
  }

  // ------------------------------------------------------------------ seeded generated values

  @Test
  void anyPollBodyIsReadOrRejectedWithATypedProblem() {
    forSamples(5101, HttpBodyFuzzTest::anyBody, this::readPoll);
  }

  @Test
  void mutatedPollBodiesAreReadOrRejectedWithATypedProblem() {
    forSamples(5102, HttpBodyFuzzTest::mutatedPoll, this::readPoll);
  }

  @Test
  void pollBodiesWithRandomValuesAreReadOrRejectedWithATypedProblem() {
    forSamples(5103, HttpBodyFuzzTest::structuredPoll, this::readPoll);
  }

  @Test
  void anyPublishBodyIsReadOrRejectedWithATypedProblem() {
    forSamples(5201, HttpBodyFuzzTest::anyBody, this::readPublish);
  }

  @Test
  void mutatedPublishBodiesAreReadOrRejectedWithATypedProblem() {
    forSamples(5202, HttpBodyFuzzTest::mutatedPublish, this::readPublish);
  }

  @Test
  void publishBodiesWithRandomValuesAreReadOrRejectedWithATypedProblem() {
    forSamples(5203, HttpBodyFuzzTest::structuredPublish, this::readPublish);
  }

  private static <T> void forSamples(
      long seed, Function<RandomInputs, String> bodies, Function<String, T> read) {
    RandomInputs random = RandomInputs.seeded(seed);
    for (int i = 0; i < SAMPLES; i++) {
      assertReadOrTypedRejection(bodies.apply(random), read);
    }
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

  private static JsonNode parseJson(String text) {
    try {
      return JSON.readTree(text);
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  // ------------------------------------------------------------------ generators

  static final List<String> VALID_POLLS =
      List.of(
          "{\"clientId\":\"c1\",\"subscriptions\":{\"jobs:1\":null}}",
          "{\"clientId\":\"c1\",\"token\":\"t\",\"waitMs\":2500,"
              + "\"subscriptions\":{\"jobs:1\":{\"epoch\":\"e1\",\"seq\":3},\"b\":null}}",
          "{\"clientId\":\"c\",\"subscriptions\":{\"a.b-c_d\":{\"epoch\":\"x\",\"seq\":0}},"
              + "\"waitMs\":0}");

  static final List<String> VALID_PUBLISHES =
      List.of(
          "{\"channel\":\"jobs:1\",\"event\":\"progress\",\"data\":{\"pct\":10}}",
          "{\"channel\":\"a\",\"event\":\"e\",\"data\":[1,2.5,null,true,\"s\"],\"id\":\"p-1\","
              + "\"clientId\":\"backend\"}",
          "{\"channel\":\"session:abc\",\"event\":\"e\"}");

  private static final String NOISE = "{}[]\":,0123456789-.eE truefalsn\\u\u0000\u00e9\ud83d";

  /** Arbitrary text, and arbitrary bytes decoded as UTF-8 the way Vert.x decodes a body. */
  static String anyBody(RandomInputs random) {
    return switch (random.between(0, 3)) {
      case 0 -> random.anyString(300);
      case 1 -> new String(random.bytes(300), StandardCharsets.UTF_8);
      case 2 -> random.string("{}[]\":, \t\n0123456789-.eEtruefalsn\\", 0, 60);
      default -> random.string(" abc\u00e9\"{}", MAX_BODY_BYTES - 50, MAX_BODY_BYTES + 50);
    };
  }

  /** A valid poll body intact, with one character replaced by noise, or cut short. */
  static String mutatedPoll(RandomInputs random) {
    return random.mutated(VALID_POLLS, NOISE);
  }

  /** A valid publish body intact, with one character replaced by noise, or cut short. */
  static String mutatedPublish(RandomInputs random) {
    return random.mutated(VALID_PUBLISHES, NOISE);
  }

  static String structuredPoll(RandomInputs random) {
    List<String> entries = new ArrayList<>();
    for (int i = random.between(0, MAX_CHANNELS + 2); i > 0; i--) {
      entries.add(channelKey(random) + ":" + positionOrJunk(random));
    }
    String subscriptions = "{" + String.join(",", entries) + "}";
    return object(
        random,
        List.of("clientId", "token", "waitMs", "subscriptions"),
        List.of(
            () -> text(random, Limits.MAX_ID_LENGTH),
            () -> text(random, 300),
            () ->
                random.percent(90)
                    ? String.valueOf(random.longBetween(-10, MAX_WAIT_MS + 10))
                    : String.valueOf(random.anyLong()),
            () -> subscriptions));
  }

  static String structuredPublish(RandomInputs random) {
    return object(
        random,
        List.of("channel", "event", "data", "id", "clientId"),
        List.of(
            () -> channelKey(random),
            () -> text(random, Limits.MAX_EVENT_LENGTH),
            () -> anyJson(random),
            () -> text(random, Limits.MAX_ID_LENGTH),
            () -> text(random, Limits.MAX_ID_LENGTH)));
  }

  /**
   * A JSON object with each member present nine times in ten, holding a typical value nine times in
   * ten and any JSON value otherwise.
   */
  private static String object(
      RandomInputs random, List<String> names, List<Supplier<String>> typical) {
    List<String> present = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      if (random.percent(10)) {
        continue;
      }
      String value = random.percent(90) ? typical.get(i).get() : anyJson(random);
      present.add(RandomInputs.quote(names.get(i)) + ":" + value);
    }
    return "{" + String.join(",", present) + "}";
  }

  /** Channel names as JSON strings: mostly valid, some too long, reserved, empty or odd. */
  private static String channelKey(RandomInputs random) {
    return RandomInputs.quote(
        switch (random.weighted(8, 1, 1, 1)) {
          case 0 -> random.string("abcXYZ019:_-.", 1, 12);
          case 1 -> random.string("abc:", 195, 205);
          case 2 -> "session:" + random.string("abc", 0, 5);
          default -> random.anyString(10);
        });
  }

  private static String positionOrJunk(RandomInputs random) {
    return switch (random.weighted(8, 2, 1)) {
      case 0 -> {
        String seq =
            switch (random.weighted(8, 1, 1)) {
              case 0 -> String.valueOf(random.between(0, 1000));
              case 1 -> String.valueOf(random.anyLong());
              default ->
                  random.pick(
                      List.of(
                          "-1", "0", "1.5", "1e3", "9223372036854775808", "\"3\"", "null", "[]"));
            };
        yield "{\"epoch\":" + text(random, Limits.MAX_EPOCH_LENGTH) + ",\"seq\":" + seq + "}";
      }
      case 1 -> "null";
      default -> anyJson(random);
    };
  }

  /** JSON strings, mostly of 1 to {@code limit} characters, sometimes empty or too long. */
  private static String text(RandomInputs random, int limit) {
    String raw = random.anyString(random.percent(90) ? limit : limit + 10);
    if (raw.isEmpty() && random.percent(90)) {
      raw = "x";
    }
    return RandomInputs.quote(raw);
  }

  /** Any JSON value, including deep nesting and extreme numbers. */
  static String anyJson(RandomInputs random) {
    return switch (random.weighted(3, 2, 2, 2, 1)) {
      case 0 -> RandomInputs.quote(random.anyString(20));
      case 1 -> String.valueOf(random.anyLong());
      case 2 -> String.valueOf(random.anyDouble());
      case 3 ->
          random.pick(
              List.of(
                  "null",
                  "true",
                  "false",
                  "[]",
                  "{}",
                  "1e400",
                  "-0",
                  "123456789012345678901234567890",
                  "{\"epoch\":\"e\",\"seq\":1}"));
      default -> {
        int depth = random.between(1, 1100);
        yield "[".repeat(depth) + "]".repeat(depth);
      }
    };
  }
}
