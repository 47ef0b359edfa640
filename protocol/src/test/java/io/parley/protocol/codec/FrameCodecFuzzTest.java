package io.parley.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.testing.RandomInputs;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing of the native frame decoder: whatever text arrives, decoding either yields a frame that
 * re-encodes to an equal frame, or throws a {@link FrameDecodeException} naming an error code.
 * Nothing else may escape.
 *
 * <p>The {@code @FuzzTest}s are Jazzer targets. In the regular build they replay the committed
 * inputs under {@code FrameCodecFuzzTestInputs/<method>/} in the test resources; with {@code
 * JAZZER_FUZZ=1} they are fuzzed, coverage-guided (docs/security.md, "Fuzzing"). The {@code @Test}s
 * run the same check over a few thousand generated values from fixed seeds.
 */
class FrameCodecFuzzTest {
  private static final List<String> VALID_FRAMES =
      List.of(
          "{\"type\":\"hello\",\"clientId\":\"c1\",\"token\":\"t\"}",
          "{\"type\":\"subscribe\",\"id\":\"1\",\"channel\":\"jobs:1\","
              + "\"since\":{\"epoch\":\"e\",\"seq\":3}}",
          "{\"type\":\"unsubscribe\",\"id\":\"2\",\"channel\":\"jobs:1\"}",
          "{\"type\":\"publish\",\"id\":\"p\",\"channel\":\"a\",\"event\":\"e\","
              + "\"data\":{\"x\":[1,2.5,null,true,\"s\"]}}",
          "{\"type\":\"ping\",\"ts\":12}",
          "{\"type\":\"pong\",\"ts\":12}",
          "{\"type\":\"auth\",\"token\":\"abc\"}");

  private final FrameCodec codec = FrameCodec.withMaxFrameBytes(4096);

  /** Any bytes, read as the UTF-8 text a WebSocket text frame carries. */
  @FuzzTest
  void anyTextIsDecodedOrRejectedWithATypedError(byte[] input) {
    assertDecodedOrTypedRejection(new String(input, StandardCharsets.UTF_8));
  }

  /** Frames with every member present or not, typical or any JSON value, chosen by the fuzzer. */
  @FuzzTest
  void framesWithFuzzedMembersAreDecodedOrRejectedWithATypedError(FuzzedDataProvider data) {
    assertDecodedOrTypedRejection(jsonFrame(RandomInputs.fuzzed(data)));
  }

  @Test
  void arbitraryTextIsDecodedOrRejectedWithATypedError() {
    RandomInputs random = RandomInputs.seeded(4242);
    for (int i = 0; i < 2_000; i++) {
      assertDecodedOrTypedRejection(random.anyString(300));
    }
  }

  @Test
  void mutatedValidFramesAreDecodedOrRejectedWithATypedError() {
    RandomInputs random = RandomInputs.seeded(4243);
    for (int i = 0; i < 3_000; i++) {
      assertDecodedOrTypedRejection(
          random.mutated(VALID_FRAMES, "{}[]\":,0123456789-.eE truefalsn\\u"));
    }
  }

  @Test
  void structurallyValidFramesWithRandomValuesNeverCrash() {
    RandomInputs random = RandomInputs.seeded(4244);
    for (int i = 0; i < 3_000; i++) {
      assertDecodedOrTypedRejection(jsonFrame(random));
    }
  }

  /**
   * Decoding either throws a typed {@link FrameDecodeException} or yields a frame that re-encodes
   * to text decoding to an equal frame (a rejection of the re-encoded text is a failure).
   */
  private void assertDecodedOrTypedRejection(String text) {
    ClientFrame frame;
    try {
      frame = codec.decodeClient(text);
    } catch (FrameDecodeException rejection) {
      assertThat(rejection.code()).isNotNull().isNotEqualTo(ErrorCode.INTERNAL);
      assertThat(rejection.getMessage()).isNotBlank();
      return;
    } catch (RuntimeException e) {
      throw new AssertionError("decoding " + text + " threw " + e, e);
    }
    String encoded = codec.encode(frame);
    assertThat(codec.decodeClient(encoded))
        .as("%s re-encoded as %s", text, encoded)
        .isEqualTo(frame);
  }

  // ------------------------------------------------------------------ generators

  /**
   * A frame object with a type, known or not, and each member present four times in five, holding a
   * typical value four times in five and any JSON value otherwise.
   */
  private static String jsonFrame(RandomInputs random) {
    String type =
        random.pick(
            List.of(
                "hello",
                "subscribe",
                "unsubscribe",
                "publish",
                "ping",
                "pong",
                "auth",
                "welcome",
                "",
                "HELLO"));
    StringBuilder frame = new StringBuilder("{\"type\":").append(RandomInputs.quote(type));
    for (String name :
        List.of("id", "channel", "since", "event", "data", "ts", "token", "clientId")) {
      if (random.percent(20)) {
        continue;
      }
      String value = random.percent(80) ? typical(name, random) : value(random);
      frame.append(',').append(RandomInputs.quote(name)).append(':').append(value);
    }
    return frame.append('}').toString();
  }

  private static String typical(String member, RandomInputs random) {
    return switch (member) {
      case "channel" -> RandomInputs.quote(random.string("abcXYZ019:_-.", 0, 202));
      case "since" -> position(random);
      case "ts" -> String.valueOf(random.anyLong());
      case "data" -> value(random);
      default -> RandomInputs.quote(random.anyString(140));
    };
  }

  private static String position(RandomInputs random) {
    return "{\"epoch\":"
        + RandomInputs.quote(random.anyString(70))
        + ",\"seq\":"
        + random.anyLong()
        + "}";
  }

  private static String value(RandomInputs random) {
    return switch (random.between(0, 4)) {
      case 0 -> position(random);
      case 1 -> RandomInputs.quote(random.anyString(210));
      case 2 -> String.valueOf(random.anyLong());
      case 3 -> String.valueOf(random.anyDouble());
      default ->
          random.pick(List.of("null", "true", "false", "[]", "{}", "{\"epoch\":\"e\",\"seq\":-1}"));
    };
  }
}
