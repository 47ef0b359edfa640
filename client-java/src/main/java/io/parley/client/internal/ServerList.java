package io.parley.client.internal;

import java.net.URI;
import java.util.List;

/**
 * Not thread-safe, used on the supervisor's {@link EventLoop} only: the servers in the client's
 * order, which one connection rounds try now, and whether a move to the next one may start its
 * round at once.
 *
 * <p>A round that failed on every transport of its server moves the rounds to the next server,
 * wrapping around ({@link #roundFailed()}). The move starts the next round at once while some
 * server has not failed a round since the client last backed off or connected; once every server
 * has, the client backs off as it would with one server, and the round after the wait goes to the
 * next server in order. A client with one server so backs off after every failed round, as before.
 */
final class ServerList {
  private final List<URI> order;
  private int index;

  /** Servers whose round failed since the client last backed off or connected. */
  private int failedSinceRest;

  /**
   * @param order the servers in the client's order, at least one, each once
   */
  ServerList(List<URI> order) {
    if (order.isEmpty()) {
      throw new IllegalArgumentException("no server");
    }
    this.order = List.copyOf(order);
  }

  /** The server connection rounds try now. */
  URI current() {
    return order.get(index);
  }

  /** The server after {@code server} in the client's order, wrapping; itself when it is alone. */
  URI after(URI server) {
    int at = order.indexOf(server);
    return order.get((at + 1) % order.size());
  }

  /** Whether there is more than one server. */
  boolean isList() {
    return order.size() > 1;
  }

  /**
   * A round on {@link #current()} failed on every transport: rounds move to the next server.
   *
   * @return true when the next server's round may start at once; false when every server failed a
   *     round since the client last backed off or connected, so the client backs off first (and
   *     calls {@link #backedOff()})
   */
  boolean roundFailed() {
    failedSinceRest++;
    index = (index + 1) % order.size();
    return failedSinceRest < order.size();
  }

  /** The client waits a backoff delay before the next round: the next cycle starts afresh. */
  void backedOff() {
    failedSinceRest = 0;
  }

  /** The client connected to {@code server}: rounds after a loss start with it. */
  void connectedTo(URI server) {
    index = order.indexOf(server);
    failedSinceRest = 0;
  }
}
