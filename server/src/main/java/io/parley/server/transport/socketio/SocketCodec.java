package io.parley.server.transport.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.server.transport.engineio.EnginePacket;
import io.parley.server.transport.engineio.MalformedPacketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Encodes Socket.IO v5 packets into Engine.IO packets and parses the text part of incoming ones,
 * following the reference {@code socket.io-parser}. Stateless and thread-safe; {@link
 * SocketDecoder} holds the per-connection state of binary packets.
 */
public final class SocketCodec {
  /** Event names a client may not emit (they are reserved on the server). */
  static final Set<String> RESERVED_EVENTS =
      Set.of(
          "connect",
          "connect_error",
          "disconnect",
          "disconnecting",
          "newListener",
          "removeListener");

  private static final String PLACEHOLDER = "_placeholder";

  /** Most attachments one packet may announce: the reference parser's {@code maxAttachments}. */
  static final int MAX_ATTACHMENTS = 10;

  private SocketCodec() {}

  /** The Engine.IO message packets of {@code packet}: its text, then one per attachment. */
  static List<EnginePacket> encode(SocketPacket packet) {
    List<byte[]> buffers = new ArrayList<>();
    JsonNode data = packet.data() == null ? null : deconstruct(packet.data(), buffers);
    SocketPacketType type = packet.type();
    if (!buffers.isEmpty()) {
      type = type == SocketPacketType.ACK ? SocketPacketType.BINARY_ACK : type;
      type = type == SocketPacketType.EVENT ? SocketPacketType.BINARY_EVENT : type;
    }
    StringBuilder text = new StringBuilder().append(type.code());
    if (type.isBinary()) {
      text.append(buffers.size()).append('-');
    }
    if (!"/".equals(packet.namespace())) {
      text.append(packet.namespace()).append(',');
    }
    if (packet.id() != null) {
      text.append(packet.id());
    }
    if (data != null) {
      text.append(SocketJson.write(data));
    }
    List<EnginePacket> packets = new ArrayList<>(1 + buffers.size());
    packets.add(EnginePacket.message(text.toString()));
    for (byte[] buffer : buffers) {
      packets.add(EnginePacket.binary(buffer));
    }
    return packets;
  }

  /** Whether a tree contains binary nodes. */
  public static boolean hasBinary(JsonNode node) {
    if (node.isBinary()) {
      return true;
    }
    if (node.isContainerNode()) {
      for (JsonNode child : node) {
        if (hasBinary(child)) {
          return true;
        }
      }
    }
    return false;
  }

  /** A copy of {@code node} with every binary node replaced by a numbered placeholder. */
  private static JsonNode deconstruct(JsonNode node, List<byte[]> buffers) {
    if (!hasBinary(node)) {
      return node;
    }
    if (node.isBinary()) {
      ObjectNode placeholder = SocketJson.NODES.objectNode();
      placeholder.put(PLACEHOLDER, true);
      placeholder.put("num", buffers.size());
      buffers.add(((BinaryNode) node).binaryValue());
      return placeholder;
    }
    if (node.isArray()) {
      ArrayNode copy = SocketJson.NODES.arrayNode(node.size());
      for (JsonNode child : node) {
        copy.add(deconstruct(child, buffers));
      }
      return copy;
    }
    ObjectNode copy = SocketJson.NODES.objectNode();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      copy.set(field.getKey(), deconstruct(field.getValue(), buffers));
    }
    return copy;
  }

  /**
   * The header and payload of a text packet; {@code attachments} is how many binary packets must
   * follow (0 for non-binary types).
   */
  record Parsed(SocketPacket packet, int attachments) {}

  /**
   * Parses the text of one packet as the reference decoder does.
   *
   * @throws MalformedPacketException for an unknown type, a bad attachment count, invalid JSON or a
   *     payload the type does not allow
   */
  static Parsed parse(String text) {
    if (text.isEmpty()) {
      throw new MalformedPacketException("empty Socket.IO packet");
    }
    SocketPacketType type = SocketPacketType.of(text.charAt(0));
    if (type == null) {
      throw new MalformedPacketException("unknown Socket.IO packet type '" + text.charAt(0) + "'");
    }
    int i = 1;
    int attachments = 0;
    if (type.isBinary()) {
      int dash = text.indexOf('-', i);
      if (dash < 0 || dash == i || !digits(text, i, dash) || dash - i > 9) {
        throw new MalformedPacketException("illegal attachments in a binary packet");
      }
      attachments = Integer.parseInt(text.substring(i, dash));
      if (attachments > MAX_ATTACHMENTS) {
        // Empty attachments cost no bytes, so the byte limit alone would not bound them.
        throw new MalformedPacketException(
            "a binary packet may announce at most " + MAX_ATTACHMENTS + " attachments");
      }
      i = dash + 1;
    }
    String namespace = "/";
    if (i < text.length() && text.charAt(i) == '/') {
      int comma = text.indexOf(',', i);
      int end = comma < 0 ? text.length() : comma;
      namespace = text.substring(i, end);
      i = comma < 0 ? end : comma + 1;
    }
    Long id = null;
    int idEnd = i;
    while (idEnd < text.length() && isAsciiDigit(text.charAt(idEnd)) && idEnd - i < 16) {
      idEnd++;
    }
    if (idEnd > i) {
      id = Long.parseLong(text.substring(i, idEnd));
      i = idEnd;
    }
    JsonNode data = null;
    if (i < text.length()) {
      data = SocketJson.parse(text.substring(i));
      if (!isPayloadValid(type, data)) {
        throw new MalformedPacketException("invalid payload for a " + type + " packet");
      }
    } else if (type == SocketPacketType.EVENT
        || type == SocketPacketType.BINARY_EVENT
        || type == SocketPacketType.CONNECT_ERROR) {
      throw new MalformedPacketException("a " + type + " packet needs a payload");
    }
    return new Parsed(new SocketPacket(type, namespace, id, data), attachments);
  }

  private static boolean digits(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!isAsciiDigit(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** ASCII digits only, as the reference parser (not {@link Character#isDigit}). */
  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isPayloadValid(SocketPacketType type, JsonNode data) {
    return switch (type) {
      case CONNECT -> data.isObject();
      case DISCONNECT -> false;
      case CONNECT_ERROR -> data.isTextual() || data.isObject();
      case EVENT, BINARY_EVENT ->
          data.isArray()
              && data.size() > 0
              && (data.get(0).isNumber()
                  || (data.get(0).isTextual()
                      && !RESERVED_EVENTS.contains(data.get(0).textValue())));
      case ACK, BINARY_ACK -> data.isArray();
    };
  }

  /**
   * Replaces the placeholders in {@code data} by the attachments, in place where possible.
   *
   * @throws MalformedPacketException when a placeholder names no attachment
   */
  static JsonNode reconstruct(JsonNode data, List<byte[]> buffers) {
    if (data.isObject()) {
      JsonNode marker = data.get(PLACEHOLDER);
      if (marker != null && marker.isBoolean() && marker.booleanValue()) {
        JsonNode num = data.get("num");
        if (num == null
            || !num.isIntegralNumber()
            || !num.canConvertToInt()
            || num.intValue() < 0
            || num.intValue() >= buffers.size()) {
          throw new MalformedPacketException("illegal attachment placeholder " + data);
        }
        return BinaryNode.valueOf(buffers.get(num.intValue()));
      }
      ObjectNode object = (ObjectNode) data;
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        field.setValue(reconstruct(field.getValue(), buffers));
      }
    } else if (data.isArray()) {
      ArrayNode array = (ArrayNode) data;
      for (int i = 0; i < array.size(); i++) {
        array.set(i, reconstruct(array.get(i), buffers));
      }
    }
    return data;
  }
}
