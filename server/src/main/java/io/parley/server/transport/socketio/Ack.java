package io.parley.server.transport.socketio;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The acknowledgement a client asked for with an event; thread-safe, callable from any thread and
 * never blocking. Only the first call sends; later ones are ignored, as in the reference server.
 */
public interface Ack {

  /** Sends the acknowledgement with {@code args} (binary ones as {@code BinaryNode}s). */
  void send(JsonNode... args);
}
