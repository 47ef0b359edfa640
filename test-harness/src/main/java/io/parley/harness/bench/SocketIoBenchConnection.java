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
  private Promise<Void> connected;

  SocketIoBenchConnection(String clientId, String token) {
    super(clientId, token);
  }

  @Override
  protected Future<Void> handshake() {
    connected = Promise.promise();
    socket.textMessageHandler(this::onText);
    return connected.future();
  }

  @Override
  protected String subscribeText(long id, String request) {
    return "42" + id + "[\"subscribe\"," + request + "]";
  }

  @Override
  protected String publishText(long id, String fields) {
    return "42" + id + "[\"publish\",{" + fields + "}]";
  }

  private void onText(String text) {
    if (text.startsWith("42[\"message\"")) {
      deliver(text);
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
      socket.writeTextMessage("40{" + identityFields() + "}");
    } else if (text.startsWith("40")) {
      connected.tryComplete();
    } else if (text.startsWith("44")) {
      connected.tryFail("CONNECT refused: " + text);
    }
  }
}
