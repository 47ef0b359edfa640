package io.parley.harness.bench;

/** The wire a load connection speaks. Immutable and thread-safe. */
public enum BenchProtocol {
  /** Parley's native JSON frames on {@code /ws}. */
  NATIVE("/ws"),
  /** Socket.IO v5 over an Engine.IO v4 websocket, framed by hand (no client library). */
  SOCKET_IO("/socket.io/?EIO=4&transport=websocket");

  private final String path;

  BenchProtocol(String path) {
    this.path = path;
  }

  /** The request path (and query) of the WebSocket upgrade. */
  public String path() {
    return path;
  }
}
