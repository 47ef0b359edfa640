package io.parley.protocol;

/**
 * The transports a client can use, best first: the declaration order is the ladder order. Immutable
 * and thread-safe.
 */
public enum Transport {
  /** Socket.IO v4 (Engine.IO websocket, with polling fallback inside Socket.IO). */
  SOCKET_IO,
  /** Parley's native JSON frames over a raw WebSocket at {@code /ws}. */
  WEBSOCKET,
  /** Stateless HTTP long-poll at {@code /realtime/poll} with {@code waitMs > 0}. */
  HTTP_LONG_POLL,
  /** Stateless periodic HTTP poll at {@code /realtime/poll} with {@code waitMs = 0}. */
  HTTP_POLL
}
