package io.parley.server.transport.socketio;

/** The Socket.IO v5 packet types with their one-digit wire codes. Immutable and thread-safe. */
public enum SocketPacketType {
  CONNECT,
  DISCONNECT,
  EVENT,
  ACK,
  CONNECT_ERROR,
  BINARY_EVENT,
  BINARY_ACK;

  /** The digit that starts the packet on the wire. */
  char code() {
    return (char) ('0' + ordinal());
  }

  boolean isBinary() {
    return this == BINARY_EVENT || this == BINARY_ACK;
  }

  /** The type with wire code {@code c}, or {@code null} when there is none. */
  static SocketPacketType of(char c) {
    return c >= '0' && c <= '6' ? values()[c - '0'] : null;
  }
}
