package io.parley.server.hub;

import java.util.ArrayList;
import java.util.List;

/**
 * The subscribers and poll waiters of one channel on this node. All fields are guarded by this
 * object's monitor, which is held only for non-blocking work (queueing frames).
 */
final class LocalChannel {
  final String name;
  final List<Subscription> subscribers = new ArrayList<>();
  final List<Runnable> waiters = new ArrayList<>();

  /** Set once removed from the hub's map; a new instance replaces it. */
  boolean retired;

  LocalChannel(String name) {
    this.name = name;
  }

  boolean isIdle() {
    return subscribers.isEmpty() && waiters.isEmpty();
  }
}
