package io.parley.server.transport.socketio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import io.parley.server.transport.engineio.EnginePacket;
import io.parley.server.transport.engineio.MalformedPacketException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SocketCodecTest {

  @Test
  void aBinaryPacketMayAnnounceAtMostTenAttachmentsAsTheReferenceParser() {
    assertThat(SocketCodec.parse("510-[\"e\"]").attachments()).isEqualTo(10);
    // Empty attachments cost no bytes: without a count limit they would grow without bound.
    assertThatThrownBy(() -> SocketCodec.parse("511-[\"e\"]"))
        .isInstanceOf(MalformedPacketException.class)
        .hasMessageContaining("at most 10 attachments");
  }

  @Test
  void onlyAsciiDigitsCountInAckIdsAndAttachmentCounts() {
    assertThatThrownBy(() -> SocketCodec.parse("5\u0663-[\"e\"]"))
        .isInstanceOf(MalformedPacketException.class);
    assertThatThrownBy(() -> SocketCodec.parse("2\u0663[\"e\"]"))
        .isInstanceOf(MalformedPacketException.class);
  }

  @Test
  void parsesNamespaceAckIdAndPayloadLikeTheReferenceDecoder() {
    SocketPacket packet = SocketCodec.parse("2/custom,12[\"hello\",{\"b\":1,\"a\":2}]").packet();

    assertThat(packet.type()).isEqualTo(SocketPacketType.EVENT);
    assertThat(packet.namespace()).isEqualTo("/custom");
    assertThat(packet.id()).isEqualTo(12L);
    assertThat(SocketJson.write(packet.data())).isEqualTo("[\"hello\",{\"b\":1,\"a\":2}]");
  }

  @Test
  void acceptsANamespaceWithAndWithoutTrailingComma() {
    assertThat(SocketCodec.parse("0/custom,").packet().namespace()).isEqualTo("/custom");
    assertThat(SocketCodec.parse("0/custom").packet().namespace()).isEqualTo("/custom");
    assertThat(SocketCodec.parse("0").packet().namespace()).isEqualTo("/");
  }

  @Test
  void keepsKeyOrderAndIntegerTypesWhenReencoding() {
    String json = "[\"e\",{\"z\":1,\"a\":12345678901234,\"m\":1.5,\"n\":-0,\"s\":\"\\u00e9\"}]";
    SocketPacket packet = SocketCodec.parse("2" + json).packet();

    List<EnginePacket> encoded = SocketCodec.encode(packet);

    assertThat(encoded).hasSize(1);
    assertThat(encoded.get(0).text())
        .isEqualTo("2[\"e\",{\"z\":1,\"a\":12345678901234,\"m\":1.5,\"n\":0,\"s\":\"é\"}]");
  }

  @Test
  void encodesBinaryArgumentsAsPlaceholdersAndAttachments() {
    ArrayNode data = SocketJson.NODES.arrayNode().add("file");
    data.addObject().set("bytes", BinaryNode.valueOf(new byte[] {1, 2}));
    data.add(BinaryNode.valueOf(new byte[] {3}));

    List<EnginePacket> encoded =
        SocketCodec.encode(new SocketPacket(SocketPacketType.EVENT, "/custom", 7L, data));

    assertThat(encoded.get(0).text())
        .isEqualTo(
            "52-/custom,7[\"file\",{\"bytes\":{\"_placeholder\":true,\"num\":0}},"
                + "{\"_placeholder\":true,\"num\":1}]");
    assertThat(encoded.get(1).binary()).containsExactly(1, 2);
    assertThat(encoded.get(2).binary()).containsExactly(3);
  }

  @Test
  void reconstructsBinaryEventsFromTheirAttachments() throws Exception {
    SocketDecoder decoder = new SocketDecoder(1_000);

    assertThat(decoder.add(EnginePacket.message("51-[\"up\",{\"_placeholder\":true,\"num\":0}]")))
        .isNull();
    SocketPacket packet = decoder.add(EnginePacket.binary(new byte[] {9, 8}));

    assertThat(packet.type()).isEqualTo(SocketPacketType.BINARY_EVENT);
    assertThat(packet.data().get(1).binaryValue()).containsExactly(9, 8);
  }

  @Test
  void rejectsTextWhileAttachmentsAreAwaited() {
    SocketDecoder decoder = new SocketDecoder(1_000);
    decoder.add(EnginePacket.message("52-[\"up\",{\"_placeholder\":true,\"num\":0}]"));

    assertThatThrownBy(() -> decoder.add(EnginePacket.message("2[\"x\"]")))
        .isInstanceOf(MalformedPacketException.class)
        .hasMessageContaining("plaintext");
  }

  @Test
  void rejectsBinaryWhenNoPacketAwaitsIt() {
    assertThatThrownBy(() -> new SocketDecoder(1_000).add(EnginePacket.binary(new byte[] {1})))
        .isInstanceOf(MalformedPacketException.class);
  }

  @Test
  void rejectsAPlaceholderThatNamesNoAttachment() {
    SocketDecoder decoder = new SocketDecoder(1_000);
    decoder.add(EnginePacket.message("51-[\"up\",{\"_placeholder\":true,\"num\":3}]"));

    assertThatThrownBy(() -> decoder.add(EnginePacket.binary(new byte[] {1})))
        .isInstanceOf(MalformedPacketException.class)
        .hasMessageContaining("placeholder");
  }

  @Test
  void rejectsAttachmentsOverTheLimit() {
    SocketDecoder decoder = new SocketDecoder(4);
    decoder.add(EnginePacket.message("51-[\"up\",{\"_placeholder\":true,\"num\":0}]"));

    assertThatThrownBy(() -> decoder.add(EnginePacket.binary(new byte[5])))
        .isInstanceOf(MalformedPacketException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "7",
        "x",
        "2",
        "2{\"not\":\"an array\"}",
        "2[]",
        "2[\"connect\"]",
        "2[\"a\"] trailing",
        "3abc[\"x\"]",
        "0[1]",
        "1{}",
        "5-[\"x\"]",
        "5x-[\"x\"]",
        "2[\"unterminated\""
      })
  void rejectsInvalidPackets(String text) {
    assertThatThrownBy(() -> SocketCodec.parse(text)).isInstanceOf(MalformedPacketException.class);
  }
}
