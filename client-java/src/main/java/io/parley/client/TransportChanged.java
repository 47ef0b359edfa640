package io.parley.client;

import io.parley.protocol.Transport;

/**
 * An immutable, thread-safe event: the transport carrying the client's connection changed.
 *
 * @param from the previous transport, or {@code null} when there was no connection
 * @param to the new transport, or {@code null} when the connection was lost or closed
 */
public record TransportChanged(Transport from, Transport to) {}
