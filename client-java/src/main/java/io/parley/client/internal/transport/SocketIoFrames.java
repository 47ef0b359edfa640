package io.parley.client.internal.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.codec.FrameCodec;
import io.parley.protocol.codec.FrameDecodeException;
import java.io.IOException;
import java.util.Map;

/**
 * Thread-safe (stateless) translation of Socket.IO event and ack payloads into Parley frames: it
 * adds the {@code type} (and the request's {@code id}) and decodes them with {@link FrameCodec}, so
 * every transport validates the same way. Payloads arrive as org.json values; only their JSON text
 * is read here.
 */
final class SocketIoFrames {

  private SocketIoFrames() {}

  /**
   * Decodes one payload as a frame of {@code type}. An ack of the form {@code {"error": {...}}}
   * becomes an {@code error} frame for request {@code id}.
   *
   * @param id the request id to answer, or {@code null} for server-initiated events
   * @throws FrameDecodeException when the payload is missing or does not fit the frame
   */
  static ServerFrame decode(FrameCodec codec, String type, String id, Object payload) {
    ObjectNode node = object(codec, payload, type);
    JsonNode error = node.get("error");
    if (error != null && error.isObject()) {
      node = (ObjectNode) error;
      type = "error";
    }
    ObjectNode frame = codec.mapper().createObjectNode();
    frame.put("type", type);
    if (id != null) {
      frame.put("id", id);
    }
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      if (!field.getKey().equals("type") && !field.getKey().equals("id")) {
        frame.set(field.getKey(), field.getValue());
      }
    }
    return codec.decodeServer(frame.toString());
  }

  /**
   * Decodes the ack of an in-band {@code auth}: {@code {"ok":true}} gives {@code null}, {@code
   * {"error": {...}}} the refusal as an error frame without id (a connection-level error).
   */
  static ServerFrame.Error authAck(FrameCodec codec, Object payload) {
    ObjectNode node = object(codec, payload, "auth ack");
    JsonNode error = node.get("error");
    if (error != null && error.isObject()) {
      return (ServerFrame.Error) decode(codec, "error", null, payload);
    }
    return null;
  }

  private static ObjectNode object(FrameCodec codec, Object payload, String what) {
    if (payload == null) {
      throw new FrameDecodeException(
          ErrorCode.MISSING_FIELD, null, null, what + " carried no payload");
    }
    JsonNode node;
    try {
      node = codec.mapper().readTree(payload.toString());
    } catch (IOException e) {
      throw new FrameDecodeException(
          ErrorCode.BAD_JSON, null, null, what + " payload is not JSON: " + e.getMessage());
    }
    if (node == null || !node.isObject()) {
      throw new FrameDecodeException(
          ErrorCode.BAD_JSON, null, null, what + " payload must be a JSON object");
    }
    return (ObjectNode) node;
  }
}
