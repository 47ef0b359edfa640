package io.parley.server.transport.socketio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.parley.server.transport.engineio.MalformedPacketException;
import java.io.UncheckedIOException;

/**
 * The JSON of Socket.IO payloads: Jackson's tree model, which keeps key order and integer types,
 * written compact as {@code JSON.stringify} does; trailing text after a value is rejected as {@code
 * JSON.parse} does. Thread-safe.
 */
public final class SocketJson {
  public static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  public static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private SocketJson() {}

  /**
   * Parses one JSON value.
   *
   * @throws MalformedPacketException when {@code text} is not exactly one JSON value
   */
  static JsonNode parse(String text) {
    try {
      JsonNode node = MAPPER.readTree(text);
      if (node == null || node.isMissingNode()) {
        throw new MalformedPacketException("empty JSON payload");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new MalformedPacketException("invalid JSON payload: " + e.getOriginalMessage(), e);
    }
  }

  /** Writes a tree without binary nodes as compact JSON. */
  static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot write a JSON tree", e);
    }
  }
}
