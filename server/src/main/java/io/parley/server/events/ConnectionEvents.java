package io.parley.server.events;

import io.quarkus.arc.All;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * The one seam where transports say what happened to a connection; every {@link ConnectionObserver}
 * bean (metrics, the connection log) sees each event. Thread-safe; {@link #fire} runs the observers
 * on the caller's thread and never blocks.
 */
@Singleton
public class ConnectionEvents {
  private static final System.Logger LOG = System.getLogger(ConnectionEvents.class.getName());

  private final List<ConnectionObserver> observers;

  @Inject
  public ConnectionEvents(@All List<ConnectionObserver> observers) {
    this.observers = List.copyOf(observers);
  }

  /** Hands {@code event} to every observer, in turn; one that throws does not stop the rest. */
  public void fire(ConnectionEvent event) {
    for (ConnectionObserver observer : observers) {
      try {
        observer.on(event);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "connection observer " + observer + " failed", e);
      }
    }
  }
}
