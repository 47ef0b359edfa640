package io.parley.harness.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;

/** A load connection on Parley's native {@code /ws} frames. Event-loop confined. */
final class NativeBenchConnection extends BenchConnection {
  private final String clientId;
  private Promise<Void> welcomed;

  NativeBenchConnection(String clientId) {
    this.clientId = clientId;
  }

  @Override
  protected Future<Void> handshake() {
    welcomed = Promise.promise();
    socket.textMessageHandler(this::onText);
    socket.writeTextMessage("{\"type\":\"hello\",\"clientId\":\"" + clientId + "\"}");
    return welcomed.future();
  }

  @Override
  Future<Long> subscribe(String channel) {
    Promise<Long> promise = Promise.promise();
    long id = expectAck(promise);
    socket.writeTextMessage(
        "{\"type\":\"subscribe\",\"id\":\"" + id + "\",\"channel\":\"" + channel + "\"}");
    return promise.future();
  }

  @Override
  Future<Long> publish(String channel, long sentNanos, long index) {
    Promise<Long> promise = Promise.promise();
    long id = expectAck(promise);
    socket.writeTextMessage(
        "{\"type\":\"publish\",\"id\":\""
            + clientId
            + "-"
            + id
            + "\",\"channel\":\""
            + channel
            + "\",\"event\":\"bench\",\"data\":{\"t\":"
            + sentNanos
            + ",\"i\":"
            + index
            + "}}");
    return promise.future();
  }

  private void onText(String text) {
    // {"type":"message",...: the type is always first in Parley's frames.
    if (text.startsWith("{\"type\":\"message\"")) {
      listener.onMessage(
          this,
          stringAfter(text, "\"channel\":\""),
          longAfter(text, "\"seq\":", 0),
          longAfter(text, "\"t\":", 0));
    } else if (text.startsWith("{\"type\":\"ack\"")) {
      String id = stringAfter(text, "\"id\":\"");
      acked(Long.parseLong(id.substring(id.lastIndexOf('-') + 1)), longAfter(text, "\"seq\":", 0));
    } else if (text.startsWith("{\"type\":\"subscribed\"")) {
      String id = stringAfter(text, "\"id\":\"");
      acked(Long.parseLong(id), longAfter(text, "\"seq\":", text.indexOf("\"position\"")));
    } else if (text.startsWith("{\"type\":\"ping\"")) {
      socket.writeTextMessage("{\"type\":\"pong\",\"ts\":" + longAfter(text, "\"ts\":", 0) + "}");
    } else if (text.startsWith("{\"type\":\"welcome\"")) {
      welcomed.tryComplete();
    } else if (text.startsWith("{\"type\":\"error\"")) {
      String id = stringAfter(text, "\"id\":\"");
      if (id != null) {
        refused(Long.parseLong(id.substring(id.lastIndexOf('-') + 1)), text);
      }
    }
  }
}
