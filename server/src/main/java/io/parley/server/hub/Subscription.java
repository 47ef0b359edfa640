package io.parley.server.hub;

import java.util.ArrayDeque;

/**
 * One session's subscription to one channel on this node. While its replay is being read it is
 * pending and buffers live messages; then it turns live. Guarded by its {@link LocalChannel}'s
 * monitor.
 */
final class Subscription {
  final Session session;
  final String channel;

  /** Live messages that arrived while the replay was being read; null once live. */
  ArrayDeque<ChannelMessage> pending = new ArrayDeque<>();

  /** The epoch and seq of the last message sent; messages at or before it are duplicates. */
  String epoch;

  long lastSeq;
  boolean removed;

  Subscription(Session session, String channel) {
    this.session = session;
    this.channel = channel;
  }

  boolean isLive() {
    return pending == null;
  }
}
