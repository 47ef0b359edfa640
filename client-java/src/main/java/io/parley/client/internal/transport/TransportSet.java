package io.parley.client.internal.transport;

import io.parley.protocol.Transport;

/** The thread-safe set of transports one client uses, created on first use. */
public interface TransportSet {

  /** The transport for {@code kind}. */
  ClientTransport get(Transport kind);

  /** Closes every transport created so far and releases shared resources. Idempotent. */
  void close();
}
