package io.parley.harness.proxy;

/**
 * Immutable and thread-safe: a snapshot of a proxy's counters since it was built.
 *
 * @param connectionsAccepted connections accepted from clients, including refused ones
 * @param connectionsRefused connections reset at accept by a {@code refuse_connections} fault
 * @param liveConnections connections currently open
 * @param bytesUpstream bytes handed to upstream sockets (client to server), after faults
 * @param bytesDownstream bytes handed to client sockets (server to client), after faults
 */
public record ProxyStats(
    long connectionsAccepted,
    long connectionsRefused,
    int liveConnections,
    long bytesUpstream,
    long bytesDownstream) {}
