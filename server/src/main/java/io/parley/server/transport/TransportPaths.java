package io.parley.server.transport;

/**
 * Where each transport is served, for the transports themselves and for what guards them all (the
 * {@link AdmissionFilter}). Constants only.
 */
public final class TransportPaths {
  /** The native WebSocket ({@code docs/protocol.md}). */
  public static final String WEBSOCKET = "/ws";

  /** Socket.IO (Engine.IO polling and WebSocket); clients always send the trailing slash. */
  public static final String SOCKET_IO = "/socket.io/";

  /** The bare Engine.IO echo endpoint of the conformance profile. */
  public static final String ENGINE_IO = "/engine.io/";

  /** The stateless HTTP poll. */
  public static final String POLL = "/realtime/poll";

  /** The stateless HTTP publish. */
  public static final String PUBLISH = "/realtime/publish";

  private TransportPaths() {}
}
