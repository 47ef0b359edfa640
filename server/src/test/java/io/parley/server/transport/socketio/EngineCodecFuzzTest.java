package io.parley.server.transport.socketio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.parley.server.testing.Mutations;
import io.parley.server.transport.engineio.EngineCodec;
import io.parley.server.transport.engineio.EnginePacket;
import io.parley.server.transport.engineio.EnginePacketType;
import io.parley.server.transport.engineio.MalformedPacketException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Property-based fuzzing of the Engine.IO v4 packet and long-polling payload decoder: whatever text
 * a client sends, decoding yields packets or throws {@link MalformedPacketException} (the session
 * is then closed with a 400); nothing else may escape. Valid packets and payloads survive an encode
 * and decode unchanged. Seeds are fixed so a run is repeatable; the tries come from {@code
 * jqwik.tries.default} in the server pom. For a longer run: {@code ./mvnw -B -pl server -am verify
 * -Dtest='*FuzzTest' -Dsurefire.failIfNoSpecifiedTests=false -Djqwik.tries.default=100000}.
 */
class EngineCodecFuzzTest {

  @Property(seed = "6101")
  void anyPacketTextIsDecodedOrRejected(@ForAll("packetText") String text) {
    assertDecodedOrRejected(() -> EngineCodec.decode(text));
  }

  @Property(seed = "6102")
  void anyPayloadIsDecodedOrRejected(@ForAll("payloads") String payload) {
    assertDecodedOrRejected(() -> EngineCodec.decodePayload(payload));
  }

  @Property(seed = "6103")
  void mutatedValidPayloadsAreDecodedOrRejected(@ForAll("mutatedPayloads") String payload) {
    assertDecodedOrRejected(() -> EngineCodec.decodePayload(payload));
  }

  /** A decoded text packet re-encodes to exactly the text it came from. */
  @Property(seed = "6104")
  void textPacketsReencodeToTheirWireText(@ForAll("textPackets") String wire) {
    assertThat(EngineCodec.encode(EngineCodec.decode(wire))).isEqualTo(wire);
  }

  /** Any bytes survive base64 in a polling payload, next to text packets. */
  @Property(seed = "6105")
  void payloadsOfTextAndBinaryPacketsSurviveEncodeAndDecode(
      @ForAll("packetLists") List<EnginePacket> packets) {
    List<EnginePacket> decoded = EngineCodec.decodePayload(EngineCodec.encodePayload(packets));

    assertThat(decoded).hasSameSizeAs(packets);
    for (int i = 0; i < packets.size(); i++) {
      EnginePacket sent = packets.get(i);
      EnginePacket received = decoded.get(i);
      assertThat(received.type()).isEqualTo(sent.type());
      assertThat(received.binary()).isEqualTo(sent.binary());
      assertThat(received.text()).isEqualTo(sent.text());
    }
  }

  private static void assertDecodedOrRejected(Runnable decode) {
    Throwable thrown = catchThrowable(decode::run);
    if (thrown != null) {
      assertThat(thrown).isInstanceOf(MalformedPacketException.class);
      assertThat(thrown.getMessage()).isNotBlank();
    }
  }

  // ------------------------------------------------------------------ generators

  @Provide
  static Arbitrary<String> packetText() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(200),
        Arbitraries.strings().all().ofMaxLength(200).map(s -> "b" + s),
        Arbitraries.strings()
            .withChars("ABCabc0123456789+/=\n\r -_")
            .ofMaxLength(60)
            .map(s -> "b" + s),
        Combinators.combine(Arbitraries.chars().range('0', '9'), Arbitraries.strings().all())
            .as((type, rest) -> type + rest));
  }

  /** Arbitrary text with record separators, so that it splits into several packets. */
  @Provide
  static Arbitrary<String> payloads() {
    return packetText().list().ofMaxSize(6).map(texts -> String.join("\u001e", texts));
  }

  @Provide
  static Arbitrary<String> mutatedPayloads() {
    Arbitrary<String> valid =
        Arbitraries.of(
            "40",
            "40{\"token\":\"t\"}\u001e42[\"subscribe\",{\"channel\":\"a\"}]",
            "451-7[\"echo\",{\"_placeholder\":true,\"num\":0}]\u001ebAQIDBA==",
            "3\u001e6\u001e2probe\u001e5",
            "1",
            "bAQID\n");
    Arbitrary<String> noise =
        Arbitraries.strings().withChars("0123456789b\u001e\u0000=+/-[]{}\",\n").ofMaxLength(4);
    return Mutations.of(valid, noise);
  }

  /** Text packets as they are on the wire: a type digit and any text without a separator. */
  @Provide
  static Arbitrary<String> textPackets() {
    return Combinators.combine(
            Arbitraries.chars().range('0', '6'),
            Arbitraries.strings().all().excludeChars('\u001e').ofMaxLength(100))
        .as((type, text) -> type + text);
  }

  @Provide
  static Arbitrary<List<EnginePacket>> packetLists() {
    Arbitrary<EnginePacket> text =
        Combinators.combine(
                Arbitraries.of(EnginePacketType.values()),
                Arbitraries.strings()
                    .all()
                    .excludeChars('\u001e')
                    .ofMinLength(1)
                    .ofMaxLength(60)
                    .injectNull(0.2))
            .as(EnginePacket::of);
    Arbitrary<EnginePacket> binary =
        Arbitraries.bytes().array(byte[].class).ofMaxSize(60).map(EnginePacket::binary);
    return Arbitraries.frequencyOf(Tuple.of(2, text), Tuple.of(1, binary))
        .list()
        .ofMinSize(1)
        .ofMaxSize(8);
  }
}
