package io.parley.harness.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * A load connection speaking Socket.IO v5 over an Engine.IO v4 websocket, framed by hand: the
 * {@code 0} open packet, {@code 40} CONNECT, {@code 2}/{@code 3} ping/pong, {@code 42} events and
 * {@code 43} acks. Uses the channel events Parley's Socket.IO server (and the benchmark peers)
 * handle: {@code subscribe {channel}} and {@code publish {id, channel, event, data}} with acks,
 * {@code message} events. Event-loop confined.
 */
final class SocketIoBenchConnection extends BenchConnection {
  private final String clientId;
  private Promise<Void> connected;

  SocketIoBenchConnection(String clientId) {
    this.clientId = clientId;
  }

  @Override
  protected Future<Void> handshake() {
    connected = Promise.promise();
    socket.textMessageHandler(this::onText);
    return connected.future();
  }

  @Override
  Future<Long> subscribe(String channel) {
    Promise<Long> promise = Promise.promise();
    long id = expectAck(promise);
    socket.writeTextMessage("42" + id + "[\"subscribe\",{\"channel\":\"" + channel + "\"}]");
    return promise.future();
  }

  @Override
  Future<Long> publish(String channel, long sentNanos, long index) {
    Promise<Long> promise = Promise.promise();
    long id = expectAck(promise);
    socket.writeTextMessage(
        "42"
            + id
            + "[\"publish\",{\"id\":\""
            + clientId
            + "-"
            + id
            + "\",\"channel\":\""
            + channel
            + "\",\"event\":\"bench\",\"data\":{\"t\":"
            + sentNanos
            + ",\"i\":"
            + index
            + "}}]");
    return promise.future();
  }

  private void onText(String text) {
    if (text.startsWith("42[\"message\"")) {
      listener.onMessage(
          this,
          stringAfter(text, "\"channel\":\""),
          longAfter(text, "\"seq\":", 0),
          longAfter(text, "\"t\":", 0));
    } else if (text.startsWith("43")) {
      int bracket = text.indexOf('[');
      long id = Long.parseLong(text.substring(2, bracket));
      if (text.contains("\"error\"")) {
        refused(id, text);
      } else {
        acked(id, Math.max(0, longAfter(text, "\"seq\":", bracket)));
      }
    } else if (text.equals("2")) {
      socket.writeTextMessage("3");
    } else if (text.startsWith("0")) {
      socket.writeTextMessage("40{\"clientId\":\"" + clientId + "\"}");
    } else if (text.startsWith("40")) {
      connected.tryComplete();
    } else if (text.startsWith("44")) {
      connected.tryFail("CONNECT refused: " + text);
    }
  }
}
