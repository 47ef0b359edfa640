package io.parley.server.transport.socketio;

import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * Handles one Socket.IO event on a namespace; implementations must be thread-safe, since one
 * handler serves every connection, each on its own event loop. Called on the connection's home
 * event loop: it must not block.
 */
@FunctionalInterface
public interface EventHandler {

  /**
   * @param socket the sender
   * @param args the event's arguments after its name; binary arguments are {@code BinaryNode}s
   * @param ack answers the client's acknowledgement callback, or {@code null} when it asked for
   *     none
   */
  void onEvent(NamespaceSocket socket, ArrayNode args, Ack ack);
}
