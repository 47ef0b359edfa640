package io.parley.client.internal.transport;

import io.parley.protocol.Transport;
import java.net.URI;

/** The thread-safe set of transports one client uses, created on first use. */
public interface TransportSet {

  /**
   * The transport for {@code kind} to {@code server}, one of the client's server URLs.
   *
   * @throws IllegalStateException when the set is closed
   */
  ClientTransport get(URI server, Transport kind);

  /** Closes every transport created so far and releases shared resources. Idempotent. */
  void close();
}
