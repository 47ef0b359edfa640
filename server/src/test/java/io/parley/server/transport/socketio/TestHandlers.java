package io.parley.server.transport.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Echo handlers the tests register on namespace {@code /} of the running server: {@code echo} acks
 * with its arguments, or emits {@code echo-back} with them when no ack was asked for.
 */
final class TestHandlers {
  private TestHandlers() {}

  static void install(SocketIoNamespaces namespaces) {
    namespaces
        .of("/")
        .on(
            "echo",
            (socket, args, ack) -> {
              List<JsonNode> list = new ArrayList<>();
              args.forEach(list::add);
              JsonNode[] array = list.toArray(new JsonNode[0]);
              if (ack != null) {
                ack.send(array);
              } else {
                socket.emit("echo-back", array);
              }
            });
    namespaces
        .of("/")
        .on(
            "transport",
            (socket, args, ack) -> ack.send(SocketJson.NODES.textNode(socket.transport())));
    namespaces.of("/room");
  }
}
