package io.parley.protocol;

/** The state of a client's connection, as a client reports it. Immutable and thread-safe. */
public enum ConnectionStatus {
  /** Not connected and not trying: before {@code connect()} or after {@code close()}. */
  DISCONNECTED,
  /** The first connection attempt is in progress. */
  CONNECTING,
  /** Connected on the best enabled transport. */
  CONNECTED,
  /** The connection was lost; the client is trying again after a backoff delay. */
  RECONNECTING,
  /** Connected, but not on the best enabled transport; the client probes upward. */
  FALLBACK,
  /** Gave up: authentication was refused or the attempt limit was reached. Terminal. */
  FAILED
}
