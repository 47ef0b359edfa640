package io.parley.client;

/**
 * Observes a {@link ParleyClient}'s connection, called on one thread at a time, so implementations
 * need no synchronization of their own. Every method has an empty default; override what you need.
 * Calls come on the client's dispatcher thread, one at a time, in the order the events happened,
 * interleaved in order with message handler calls; never under a lock and never on an I/O thread.
 * After the {@code StatusChanged} to {@code DISCONNECTED} that {@code close()} causes, no further
 * call is made.
 */
public interface ClientListener {

  /** The status changed. */
  default void onStatusChanged(StatusChanged event) {}

  /** The transport changed (including to or from no transport). */
  default void onTransportChanged(TransportChanged event) {}

  /** The client connected to another server of its list (or to its first). */
  default void onServerChanged(ServerChanged event) {}

  /** A retry round was scheduled after a failure. */
  default void onReconnectScheduled(ReconnectScheduled event) {}

  /**
   * A handler or listener threw. A throw from this method itself is only logged (through {@link
   * System.Logger}, logger {@code io.parley.client}).
   */
  default void onHandlerFailed(HandlerFailed event) {}
}
