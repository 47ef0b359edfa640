package io.parley.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.arbitraries.StringArbitrary;

/**
 * Property-based fuzzing of the native frame decoder: whatever text arrives, decoding either yields
 * a frame that re-encodes to an equal frame, or throws a {@link FrameDecodeException} naming an
 * error code. Nothing else may escape. The seed is fixed so a run is repeatable; raise {@code
 * tries} (or set {@code -Djqwik.tries.default}) for a longer run.
 */
class FrameCodecFuzzTest {
  private final FrameCodec codec = FrameCodec.withMaxFrameBytes(4096);

  @Property(tries = 2_000, seed = "4242")
  void arbitraryTextIsDecodedOrRejectedWithATypedError(@ForAll("anyText") String text) {
    assertDecodedOrTypedRejection(text);
  }

  @Property(tries = 3_000, seed = "4243")
  void mutatedValidFramesAreDecodedOrRejectedWithATypedError(@ForAll("mutatedFrames") String text) {
    assertDecodedOrTypedRejection(text);
  }

  @Property(tries = 3_000, seed = "4244")
  void structurallyValidFramesWithRandomValuesNeverCrash(@ForAll("jsonFrames") String text) {
    assertDecodedOrTypedRejection(text);
  }

  private void assertDecodedOrTypedRejection(String text) {
    Throwable thrown = catchThrowable(() -> roundTrip(text));
    if (thrown != null) {
      assertThat(thrown).isInstanceOf(FrameDecodeException.class);
      FrameDecodeException rejection = (FrameDecodeException) thrown;
      assertThat(rejection.code()).isNotNull().isNotEqualTo(ErrorCode.INTERNAL);
      assertThat(rejection.getMessage()).isNotBlank();
    }
  }

  private void roundTrip(String text) {
    ClientFrame frame = codec.decodeClient(text);
    assertThat(codec.decodeClient(codec.encode(frame))).isEqualTo(frame);
  }

  @Provide
  Arbitrary<String> anyText() {
    return Arbitraries.strings().all().ofMaxLength(300);
  }

  @Provide
  Arbitrary<String> mutatedFrames() {
    Arbitrary<String> valid =
        Arbitraries.of(
            "{\"type\":\"hello\",\"clientId\":\"c1\",\"token\":\"t\"}",
            "{\"type\":\"subscribe\",\"id\":\"1\",\"channel\":\"jobs:1\","
                + "\"since\":{\"epoch\":\"e\",\"seq\":3}}",
            "{\"type\":\"unsubscribe\",\"id\":\"2\",\"channel\":\"jobs:1\"}",
            "{\"type\":\"publish\",\"id\":\"p\",\"channel\":\"a\",\"event\":\"e\","
                + "\"data\":{\"x\":[1,2.5,null,true,\"s\"]}}",
            "{\"type\":\"ping\",\"ts\":12}",
            "{\"type\":\"pong\",\"ts\":12}",
            "{\"type\":\"auth\",\"token\":\"abc\"}");
    StringArbitrary noise = Arbitraries.strings().withChars("{}[]\":,0123456789-.eE truefalsn\\u");
    return Arbitraries.lazyOf(
        () -> valid,
        () ->
            valid.flatMap(
                frame ->
                    Arbitraries.integers()
                        .between(0, frame.length())
                        .flatMap(
                            at ->
                                noise
                                    .ofMaxLength(4)
                                    .map(
                                        insert ->
                                            frame.substring(0, at)
                                                + insert
                                                + frame.substring(
                                                    Math.min(frame.length(), at + 1))))),
        () ->
            valid.flatMap(
                frame ->
                    Arbitraries.integers()
                        .between(0, frame.length())
                        .map(cut -> frame.substring(0, cut))));
  }

  @Provide
  Arbitrary<String> jsonFrames() {
    Arbitrary<String> type =
        Arbitraries.of(
            "hello",
            "subscribe",
            "unsubscribe",
            "publish",
            "ping",
            "pong",
            "auth",
            "welcome",
            "",
            "HELLO");
    Arbitrary<String> position =
        Arbitraries.strings()
            .ofMaxLength(70)
            .flatMap(
                epoch ->
                    Arbitraries.longs()
                        .map(seq -> "{\"epoch\":" + quote(epoch) + ",\"seq\":" + seq + "}"));
    Arbitrary<String> value =
        Arbitraries.oneOf(
            position,
            Arbitraries.strings().ofMaxLength(210).map(FrameCodecFuzzTest::quote),
            Arbitraries.longs().map(String::valueOf),
            Arbitraries.doubles().map(String::valueOf),
            Arbitraries.of("null", "true", "false", "[]", "{}", "{\"epoch\":\"e\",\"seq\":-1}"));
    Arbitrary<String> channel =
        Arbitraries.strings()
            .withChars("abcXYZ019:_-.")
            .ofMinLength(0)
            .ofMaxLength(202)
            .map(FrameCodecFuzzTest::quote);
    Arbitrary<String> text = Arbitraries.strings().ofMaxLength(140).map(FrameCodecFuzzTest::quote);
    List<Arbitrary<String>> members = new ArrayList<>();
    for (String name :
        List.of("id", "channel", "since", "event", "data", "ts", "token", "clientId")) {
      Arbitrary<String> typical =
          switch (name) {
            case "channel" -> channel;
            case "since" -> position;
            case "ts" -> Arbitraries.longs().map(String::valueOf);
            case "data" -> value;
            default -> text;
          };
      // Each field is present four times in five, with a typical value four times in five.
      members.add(
          Arbitraries.frequencyOf(Tuple.of(4, typical), Tuple.of(1, value))
              .map(v -> "," + quote(name) + ":" + v)
              .injectNull(0.2)
              .map(member -> member == null ? "" : member));
    }
    return Combinators.combine(
            type, Combinators.combine(members).as(parts -> String.join("", parts)))
        .as((t, body) -> "{\"type\":" + quote(t) + body + "}");
  }

  private static String quote(String raw) {
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
