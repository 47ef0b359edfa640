package io.parley.server.transport.socketio.binding;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.server.hub.Refusal;
import io.parley.server.transport.socketio.SocketJson;

/**
 * How Socket.IO says no: a {@link Refusal} as the {@code error} object {@code {code, category,
 * message, retryable, field?, retryAfterMs?}}, wrapped as {@code {"error": ...}} in an ack, sent
 * alone as an {@code error} event, or as the {@code data} of a CONNECT_ERROR. Stateless and
 * thread-safe.
 */
final class SocketIoRefusal {
  private SocketIoRefusal() {}

  /** The ack answering a refused request: {@code {"error":{...}}}. */
  static ObjectNode ack(Refusal refusal) {
    return SocketJson.NODES.objectNode().set("error", event(refusal));
  }

  /**
   * The payload of an {@code error} event: {@code {code, category, message, retryable, field?}}.
   */
  static ObjectNode event(Refusal refusal) {
    ObjectNode error =
        SocketJson.NODES
            .objectNode()
            .put("code", refusal.code().name())
            .put("category", refusal.code().category().wireName())
            .put("message", refusal.message())
            .put("retryable", refusal.code().retryable());
    if (refusal.field() != null) {
      error.put("field", refusal.field());
    }
    if (refusal.hasRetryAfter()) {
      error.put("retryAfterMs", refusal.retryAfter().toMillis());
    }
    return error;
  }

  /** The CONNECT_ERROR payload: {@code {message, data: {code, category, message, ...}}}. */
  static ObjectNode connectError(String message, Refusal refusal) {
    ObjectNode payload = SocketJson.NODES.objectNode().put("message", message);
    payload.set("data", event(refusal));
    return payload;
  }
}
