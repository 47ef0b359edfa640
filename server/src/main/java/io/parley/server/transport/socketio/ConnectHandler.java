package io.parley.server.transport.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Decides whether a client may join a namespace; implementations must be thread-safe. Called on the
 * connection's home event loop before the CONNECT reply: it must not block.
 */
@FunctionalInterface
public interface ConnectHandler {

  /**
   * @param socket the joining socket (not yet connected: emits are refused until it is)
   * @param auth the CONNECT payload, an empty object when the client sent none
   * @return {@code null} to accept, or the CONNECT_ERROR payload ({@code {"message":...}}) to
   *     refuse
   */
  ObjectNode onConnect(NamespaceSocket socket, JsonNode auth);
}
