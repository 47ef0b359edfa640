package io.parley.server.transport.engineio;

/**
 * The two ways an Engine.IO session carries packets (the protocol's {@code transport} query
 * parameter), immutable; not to be confused with Parley's client-facing {@code
 * io.parley.protocol.Transport}.
 */
public enum EngineTransport {
  POLLING("polling"),
  WEBSOCKET("websocket");

  private final String wireName;

  EngineTransport(String wireName) {
    this.wireName = wireName;
  }

  /** The name on the wire: {@code polling} or {@code websocket}. */
  public String wireName() {
    return wireName;
  }
}
