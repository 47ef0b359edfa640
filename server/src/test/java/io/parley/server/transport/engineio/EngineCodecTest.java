package io.parley.server.transport.engineio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EngineCodecTest {

  @Test
  void decodesABatchedPayloadWithBase64Binary() {
    List<EnginePacket> packets = EngineCodec.decodePayload("4hello\u001e2\u001ebAQIDBA==\u001e6");

    assertThat(packets).hasSize(4);
    assertThat(packets.get(0).type()).isEqualTo(EnginePacketType.MESSAGE);
    assertThat(packets.get(0).text()).isEqualTo("hello");
    assertThat(packets.get(1).type()).isEqualTo(EnginePacketType.PING);
    assertThat(packets.get(2).binary()).containsExactly(1, 2, 3, 4);
    assertThat(packets.get(3).type()).isEqualTo(EnginePacketType.NOOP);
  }

  @Test
  void encodesAPayloadWithSeparatorsAndBase64() {
    String payload =
        EngineCodec.encodePayload(
            List.of(
                EnginePacket.message("a"),
                EnginePacket.binary(new byte[] {1, 2, 3, 4}),
                EnginePacket.PING,
                EnginePacket.preEncoded("42[\"x\"]")));

    assertThat(payload).isEqualTo("4a\u001ebAQIDBA==\u001e2\u001e42[\"x\"]");
  }

  @Test
  void decodesBase64WithALineBreakAsTheJavaClientSendsIt() {
    assertThat(EngineCodec.decode("bAQID\n").binary()).containsExactly(1, 2, 3);
  }

  @Test
  void rejectsUnknownTypesAndEmptyPackets() {
    assertThatThrownBy(() -> EngineCodec.decodePayload("abc"))
        .isInstanceOf(MalformedPacketException.class);
    assertThatThrownBy(() -> EngineCodec.decodePayload(""))
        .isInstanceOf(MalformedPacketException.class);
    assertThatThrownBy(() -> EngineCodec.decodePayload("4a\u001e\u001e4b"))
        .isInstanceOf(MalformedPacketException.class);
  }
}
