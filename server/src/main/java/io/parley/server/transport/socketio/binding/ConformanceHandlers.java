package io.parley.server.transport.socketio.binding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.server.transport.engineio.EnginePacket;
import io.parley.server.transport.engineio.EngineSocket;
import io.parley.server.transport.socketio.NamespaceSocket;
import io.parley.server.transport.socketio.SocketIoNamespaces;

/**
 * The behaviour the official Engine.IO and Socket.IO protocol test suites expect of a server under
 * test, installed only in conformance mode: {@code /} and {@code /custom} emit {@code auth} with
 * the CONNECT payload on connect, {@code message} is answered with {@code message-back}, {@code
 * message-with-ack} is acked with its arguments, {@code emit-with-ack} is emitted back with an ack
 * request whose answer is emitted again, and the bare Engine.IO endpoint echoes. Thread-safe.
 */
final class ConformanceHandlers {

  private ConformanceHandlers() {}

  /** Installs the namespace behaviours. */
  static void install(SocketIoNamespaces namespaces) {
    namespaces
        .of("/")
        .onConnect(ConformanceHandlers::keepAuth)
        .onConnected(ConformanceHandlers::emitAuth)
        .on("message", (socket, args, ack) -> socket.emit("message-back", toArray(args)))
        .on(
            "message-with-ack",
            (socket, args, ack) -> {
              if (ack != null) {
                ack.send(toArray(args));
              }
            });
    namespaces
        .of("/")
        .on(
            "emit-with-ack",
            (socket, args, ack) ->
                socket.emitWithAck(
                    "emit-with-ack",
                    reply -> socket.emit("emit-with-ack", toArray(reply)),
                    toArray(args)));
    namespaces
        .of("/custom")
        .onConnect(ConformanceHandlers::keepAuth)
        .onConnected(ConformanceHandlers::emitAuth);
  }

  /** The CONNECT payload is not kept by the socket (a token in it would live as long). */
  private static ObjectNode keepAuth(NamespaceSocket socket, JsonNode auth) {
    socket.bind(auth);
    return null;
  }

  private static void emitAuth(NamespaceSocket socket) {
    socket.emit("auth", socket.binding(JsonNode.class));
  }

  /** An Engine.IO listener that sends every message back as it came, text or binary. */
  static EngineSocket.Listener echo(EngineSocket engine) {
    return new EngineSocket.Listener() {
      @Override
      public void onMessage(EnginePacket packet) {
        engine.send(packet);
      }

      @Override
      public void onClose(String reason) {
        // Nothing is held per connection.
      }
    };
  }

  private static JsonNode[] toArray(Iterable<JsonNode> args) {
    java.util.List<JsonNode> list = new java.util.ArrayList<>();
    args.forEach(list::add);
    return list.toArray(new JsonNode[0]);
  }
}
