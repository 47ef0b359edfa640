package io.parley.client;

import io.parley.protocol.ConnectionStatus;
import java.util.Objects;

/**
 * An immutable, thread-safe event: the client's status changed.
 *
 * @param from the previous status
 * @param to the new status
 * @param cause what caused it (the lost connection's or the last attempt's failure), or {@code
 *     null} when nothing failed (connected, switched, closed)
 */
public record StatusChanged(ConnectionStatus from, ConnectionStatus to, ParleyException cause) {
  public StatusChanged {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
  }
}
