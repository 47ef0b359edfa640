package io.parley.harness.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;

/** A load connection on Parley's native {@code /ws} frames. Event-loop confined. */
final class NativeBenchConnection extends BenchConnection {
  private Promise<Void> welcomed;

  NativeBenchConnection(String clientId, String token) {
    super(clientId, token);
  }

  @Override
  protected Future<Void> handshake() {
    welcomed = Promise.promise();
    socket.textMessageHandler(this::onText);
    socket.writeTextMessage("{\"type\":\"hello\"," + identityFields() + "}");
    return welcomed.future();
  }

  @Override
  protected String subscribeText(long id, String request) {
    // {"channel":…} becomes {"type":"subscribe","id":"<id>","channel":…}
    return "{\"type\":\"subscribe\",\"id\":\"" + id + "\"," + request.substring(1);
  }

  @Override
  protected String publishText(long id, String fields) {
    return "{\"type\":\"publish\"," + fields + "}";
  }

  private void onText(String text) {
    // {"type":"message",...: the type is always first in Parley's frames.
    if (text.startsWith("{\"type\":\"message\"")) {
      deliver(text);
    } else if (text.startsWith("{\"type\":\"ack\"")) {
      acked(ackIdOf(stringAfter(text, "\"id\":\"")), longAfter(text, "\"seq\":", 0));
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
        refused(ackIdOf(id), text);
      } else {
        // An error without a request id before the welcome: the hello was refused (a token).
        welcomed.tryFail("hello refused: " + text);
      }
    }
  }
}
