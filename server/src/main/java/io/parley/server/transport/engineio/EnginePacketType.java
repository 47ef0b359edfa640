package io.parley.server.transport.engineio;

/** The Engine.IO v4 packet types, each with its one-digit wire code. Immutable and thread-safe. */
public enum EnginePacketType {
  OPEN('0'),
  CLOSE('1'),
  PING('2'),
  PONG('3'),
  MESSAGE('4'),
  UPGRADE('5'),
  NOOP('6');

  private final char code;

  EnginePacketType(char code) {
    this.code = code;
  }

  /** The digit that starts the packet on the wire. */
  char code() {
    return code;
  }

  /** The type with wire code {@code c}, or {@code null} when there is none. */
  static EnginePacketType of(char c) {
    return c >= '0' && c <= '6' ? values()[c - '0'] : null;
  }
}
