package io.parley.server.transport.engineio;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Encodes and decodes Engine.IO v4 packets: single packets (one WebSocket frame each) and
 * long-polling payloads (packets joined by the record separator {@code \x1e}, binary ones as {@code
 * b<base64>}). Stateless and thread-safe.
 */
public final class EngineCodec {
  /** Separates packets in a long-polling payload. */
  public static final char SEPARATOR = '\u001e';

  private EngineCodec() {}

  /** The wire text of one text packet (a binary one must go as a binary frame or as base64). */
  public static String encode(EnginePacket packet) {
    if (packet.wire() != null) {
      return packet.wire();
    }
    if (packet.isBinary()) {
      return "b" + Base64.getEncoder().encodeToString(packet.binary());
    }
    return packet.text() == null
        ? String.valueOf(packet.type().code())
        : packet.type().code() + packet.text();
  }

  /** A long-polling payload of {@code packets}, binary ones base64-encoded. */
  public static String encodePayload(List<EnginePacket> packets) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < packets.size(); i++) {
      if (i > 0) {
        out.append(SEPARATOR);
      }
      out.append(encode(packets.get(i)));
    }
    return out.toString();
  }

  /**
   * Decodes one text packet.
   *
   * @throws MalformedPacketException when the type is unknown or base64 padding is invalid
   */
  public static EnginePacket decode(String text) {
    if (text.isEmpty()) {
      throw new MalformedPacketException("empty packet");
    }
    char first = text.charAt(0);
    if (first == 'b') {
      // Lenient like Node's Buffer.from(s, "base64"): the Java client ends its base64 with a
      // line break, and characters outside the alphabet are skipped.
      try {
        return EnginePacket.binary(Base64.getMimeDecoder().decode(text.substring(1)));
      } catch (IllegalArgumentException e) {
        throw new MalformedPacketException("invalid base64 in a binary packet", e);
      }
    }
    EnginePacketType type = EnginePacketType.of(first);
    if (type == null) {
      throw new MalformedPacketException("unknown packet type '" + first + "'");
    }
    return EnginePacket.of(type, text.length() > 1 ? text.substring(1) : null);
  }

  /**
   * Decodes a long-polling payload.
   *
   * @throws MalformedPacketException when any packet is malformed; none is then applied
   */
  public static List<EnginePacket> decodePayload(String payload) {
    List<EnginePacket> packets = new ArrayList<>();
    int start = 0;
    while (true) {
      int end = payload.indexOf(SEPARATOR, start);
      packets.add(decode(end < 0 ? payload.substring(start) : payload.substring(start, end)));
      if (end < 0) {
        return packets;
      }
      start = end + 1;
    }
  }
}
