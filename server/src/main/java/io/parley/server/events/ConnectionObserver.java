package io.parley.server.events;

/**
 * Receives every {@link ConnectionEvent}; a CDI bean implementing it is found by {@link
 * ConnectionEvents}. Called on the thread where the event happened, often an event loop: an
 * implementation must be thread-safe, must not block and should only count or enqueue.
 */
public interface ConnectionObserver {

  /** Called once per event; an exception is logged and does not reach other observers. */
  void on(ConnectionEvent event);
}
