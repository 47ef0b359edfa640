package io.parley.server.transport.engineio;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.parley.protocol.testing.RandomInputs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing of the Engine.IO v4 packet and long-polling payload decoder: whatever text a client
 * sends, decoding yields packets or throws {@link MalformedPacketException} (the session is then
 * closed with a 400); nothing else may escape. Valid packets and payloads survive an encode and
 * decode unchanged.
 *
 * <p>The {@code @FuzzTest}s are Jazzer targets. In the regular build they replay the committed
 * inputs under {@code EngineCodecFuzzTestInputs/<method>/} in the test resources ({@link
 * EnginePollingFuzzIT} also POSTs the payload ones); with {@code JAZZER_FUZZ=1} they are fuzzed,
 * coverage-guided (docs/security.md, "Fuzzing"). The {@code @Test}s run the same checks over
 * generated values from fixed seeds.
 */
public class EngineCodecFuzzTest {
  static final int SAMPLES = 500;

  static final List<String> VALID_PAYLOADS =
      List.of(
          "40",
          "40{\"token\":\"t\"}\u001e42[\"subscribe\",{\"channel\":\"a\"}]",
          "451-7[\"echo\",{\"_placeholder\":true,\"num\":0}]\u001ebAQIDBA==",
          "3\u001e6\u001e2probe\u001e5",
          "1",
          "bAQID\n");

  /** Any bytes, read as the UTF-8 text of one packet; a decoded text packet re-encodes to it. */
  @FuzzTest
  void anyPacketIsDecodedOrRejected(byte[] input) {
    assertPacketDecodedOrRejected(new String(input, StandardCharsets.UTF_8));
  }

  /**
   * Any bytes, read as a polling body is (UTF-8); a decoded payload re-encodes to one that decodes
   * to the same packets.
   */
  @FuzzTest
  void anyPollingPayloadIsDecodedOrRejected(byte[] input) {
    assertPayloadDecodedOrRejected(new String(input, StandardCharsets.UTF_8));
  }

  /**
   * Lists of text and binary packets chosen by the fuzzer survive a payload's encode and decode.
   */
  @FuzzTest
  void fuzzedPacketListsSurviveEncodeAndDecode(FuzzedDataProvider data) {
    assertSurvivesEncodeAndDecode(packetList(RandomInputs.fuzzed(data)));
  }

  @Test
  void anyPacketTextIsDecodedOrRejected() {
    forSamples(6101, random -> assertPacketDecodedOrRejected(packetText(random)));
  }

  @Test
  void anyPayloadIsDecodedOrRejected() {
    forSamples(6102, random -> assertPayloadDecodedOrRejected(payload(random)));
  }

  @Test
  void mutatedValidPayloadsAreDecodedOrRejected() {
    forSamples(6103, random -> assertPayloadDecodedOrRejected(mutatedPayload(random)));
  }

  /** A decoded text packet re-encodes to exactly the text it came from. */
  @Test
  void textPacketsReencodeToTheirWireText() {
    forSamples(
        6104,
        random -> {
          String wire =
              (char) random.between('0', '6') + random.anyString(100).replace('\u001e', ' ');
          assertThat(EngineCodec.encode(EngineCodec.decode(wire))).isEqualTo(wire);
        });
  }

  /** Any bytes survive base64 in a polling payload, next to text packets. */
  @Test
  void payloadsOfTextAndBinaryPacketsSurviveEncodeAndDecode() {
    forSamples(6105, random -> assertSurvivesEncodeAndDecode(packetList(random)));
  }

  private static void forSamples(long seed, Consumer<RandomInputs> check) {
    RandomInputs random = RandomInputs.seeded(seed);
    for (int i = 0; i < SAMPLES; i++) {
      check.accept(random);
    }
  }

  private static void assertPacketDecodedOrRejected(String text) {
    EnginePacket packet = decodedOrRejected(() -> EngineCodec.decode(text), text);
    boolean wireTextPacket =
        !text.isEmpty()
            && text.charAt(0) >= '0'
            && text.charAt(0) <= '6'
            && text.indexOf('\u001e') < 0;
    if (packet != null && wireTextPacket) {
      assertThat(EngineCodec.encode(packet)).isEqualTo(text);
    }
  }

  private static void assertPayloadDecodedOrRejected(String payload) {
    List<EnginePacket> packets =
        decodedOrRejected(() -> EngineCodec.decodePayload(payload), payload);
    if (packets != null) {
      assertSurvivesEncodeAndDecode(packets);
    }
  }

  /** What {@code decode} returns, or null when it throws a {@link MalformedPacketException}. */
  private static <T> T decodedOrRejected(Supplier<T> decode, String input) {
    try {
      return decode.get();
    } catch (MalformedPacketException e) {
      assertThat(e.getMessage()).isNotBlank();
      return null;
    } catch (RuntimeException e) {
      throw new AssertionError("decoding " + input + " threw " + e, e);
    }
  }

  private static void assertSurvivesEncodeAndDecode(List<EnginePacket> packets) {
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

  // ------------------------------------------------------------------ generators

  /** Any text, binary packets with any or base64-like text, and text packets with a type digit. */
  static String packetText(RandomInputs random) {
    return switch (random.between(0, 3)) {
      case 0 -> random.anyString(200);
      case 1 -> "b" + random.anyString(200);
      case 2 -> "b" + random.string("ABCabc0123456789+/=\n\r -_", 0, 60);
      default -> (char) random.between('0', '9') + random.anyString(200);
    };
  }

  /** Any packet texts joined by record separators, so that they split into several packets. */
  public static String payload(RandomInputs random) {
    List<String> texts = new ArrayList<>();
    for (int i = random.between(0, 6); i > 0; i--) {
      texts.add(packetText(random));
    }
    return String.join("\u001e", texts);
  }

  public static String mutatedPayload(RandomInputs random) {
    return random.mutated(VALID_PAYLOADS, "0123456789b\u001e\u0000=+/-[]{}\",\n");
  }

  private static List<EnginePacket> packetList(RandomInputs random) {
    List<EnginePacket> packets = new ArrayList<>();
    for (int i = random.between(1, 8); i > 0; i--) {
      if (random.weighted(2, 1) == 0) {
        EnginePacketType type = random.pick(List.of(EnginePacketType.values()));
        String text = random.percent(20) ? null : random.anyString(60).replace('\u001e', ' ');
        packets.add(EnginePacket.of(type, text == null || text.isEmpty() ? null : text));
      } else {
        packets.add(EnginePacket.binary(random.bytes(60)));
      }
    }
    return packets;
  }
}
