package io.parley.server.transport.socketio;

import io.parley.server.transport.engineio.EnginePacket;
import io.parley.server.transport.engineio.MalformedPacketException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the Engine.IO messages of one connection into Socket.IO packets, collecting the binary
 * attachments of BINARY_EVENT and BINARY_ACK packets. Not thread-safe: confined to the connection's
 * home context.
 */
final class SocketDecoder {
  private final int maxAttachmentBytes;
  private SocketCodec.Parsed reconstructing;
  private List<byte[]> buffers;
  private long bufferedBytes;

  /**
   * @param maxAttachmentBytes the most attachment bytes one packet may carry in total
   */
  SocketDecoder(int maxAttachmentBytes) {
    this.maxAttachmentBytes = maxAttachmentBytes;
  }

  /**
   * Adds one Engine.IO message.
   *
   * @return the completed packet, or {@code null} while attachments are still awaited
   * @throws MalformedPacketException when the message is malformed or arrives out of turn
   */
  SocketPacket add(EnginePacket message) {
    if (message.isBinary()) {
      if (reconstructing == null) {
        throw new MalformedPacketException("got binary data when not reconstructing a packet");
      }
      bufferedBytes += message.binary().length;
      if (bufferedBytes > maxAttachmentBytes) {
        throw new MalformedPacketException(
            "attachments larger than " + maxAttachmentBytes + " bytes");
      }
      buffers.add(message.binary());
      return buffers.size() == reconstructing.attachments() ? finish() : null;
    }
    if (reconstructing != null) {
      throw new MalformedPacketException("got plaintext data when reconstructing a packet");
    }
    SocketCodec.Parsed parsed = SocketCodec.parse(message.messageText());
    if (parsed.packet().type().isBinary()) {
      reconstructing = parsed;
      buffers = new ArrayList<>(Math.min(parsed.attachments(), 16));
      bufferedBytes = 0;
      return parsed.attachments() == 0 ? finish() : null;
    }
    return parsed.packet();
  }

  private SocketPacket finish() {
    SocketPacket packet = reconstructing.packet();
    List<byte[]> collected = buffers;
    reconstructing = null;
    buffers = null;
    if (packet.data() == null) {
      return packet;
    }
    return new SocketPacket(
        packet.type(),
        packet.namespace(),
        packet.id(),
        SocketCodec.reconstruct(packet.data(), collected));
  }
}
