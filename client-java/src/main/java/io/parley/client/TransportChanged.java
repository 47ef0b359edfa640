package io.parley.client;

import io.parley.protocol.Transport;
import java.util.Set;

/**
 * An immutable, thread-safe event: the transport carrying the client's connection changed.
 *
 * @param from the previous transport, or {@code null} when there was no connection
 * @param to the new transport, or {@code null} when the connection was lost or closed
 * @param notOffered the transports the server said it does not offer ({@code TRANSPORT_DISABLED}, a
 *     {@code realtime.transports.*} switch) since the last change: skipped at once, without the
 *     fallback delay or a backoff, and left out of rounds for the skip duration; empty when none
 */
public record TransportChanged(Transport from, Transport to, Set<Transport> notOffered) {
  public TransportChanged {
    notOffered = Set.copyOf(notOffered);
  }

  /** A change with no transport found not offered on the way. */
  public TransportChanged(Transport from, Transport to) {
    this(from, to, Set.of());
  }
}
