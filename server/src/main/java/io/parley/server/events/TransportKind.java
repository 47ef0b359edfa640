package io.parley.server.events;

/**
 * The transport a connection or request uses, as metrics tag it and logs name it. Immutable.
 * Socket.IO has two, since an Engine.IO connection starts on one and may upgrade to the other.
 */
public enum TransportKind {
  /** Socket.IO over Engine.IO long-polling. */
  SOCKETIO_POLLING("socketio-polling"),
  /** Socket.IO over Engine.IO's WebSocket. */
  SOCKETIO_WEBSOCKET("socketio-websocket"),
  /** Native frames on {@code /ws}. */
  WEBSOCKET("websocket"),
  /** Stateless HTTP: {@code /realtime/poll} and {@code /realtime/publish}. */
  HTTP("http");

  private final String tag;

  TransportKind(String tag) {
    this.tag = tag;
  }

  /** The value of the {@code transport} tag and log field. */
  public String tag() {
    return tag;
  }

  /** The Socket.IO transport for an Engine.IO wire name ({@code polling} or {@code websocket}). */
  public static TransportKind ofEngine(String engineTransport) {
    return "websocket".equals(engineTransport) ? SOCKETIO_WEBSOCKET : SOCKETIO_POLLING;
  }
}
