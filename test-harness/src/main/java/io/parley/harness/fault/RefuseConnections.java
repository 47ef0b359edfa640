package io.parley.harness.fault;

/**
 * Immutable and thread-safe: resets each new connection as soon as it is accepted, before the
 * upstream is dialled; live connections are not touched.
 *
 * <p>The client's connect succeeds (the kernel completes the handshake before the proxy sees the
 * connection) and its first read or write fails with "connection reset". The rule's direction is
 * ignored: refusing is a property of the connection, not of a direction. With a toxicity below 1
 * only that share of new connections is refused.
 */
public record RefuseConnections() implements Fault {

  @Override
  public FaultType type() {
    return FaultType.REFUSE_CONNECTIONS;
  }
}
