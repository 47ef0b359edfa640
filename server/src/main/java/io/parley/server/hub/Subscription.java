package io.parley.server.hub;

import java.util.ArrayDeque;

/**
 * One session's subscription to one channel on this node. While its replay is being read it is
 * pending and buffers live messages; then it turns live. Its delivery state is guarded by its
 * {@link LocalChannel}'s monitor; {@code local} and {@code removed} by its own (taken inside the
 * channel's, never around it).
 */
final class Subscription {
  final Session session;
  final String channel;

  /** Live messages that arrived while the replay was being read; null once live. */
  ArrayDeque<ChannelMessage> pending = new ArrayDeque<>();

  /** The epoch and seq of the last message sent; messages at or before it are duplicates. */
  String epoch;

  long lastSeq;

  /** The local channel this subscription is attached to; null until attached. */
  LocalChannel local;

  /**
   * Set when the subscription ends (unsubscribe, close, refused). {@code local} and {@code removed}
   * are written under this object's monitor, so an attach and a leave that race agree.
   */
  boolean removed;

  Subscription(Session session, String channel) {
    this.session = session;
    this.channel = channel;
  }

  synchronized boolean isRemoved() {
    return removed;
  }

  synchronized void markRemoved() {
    removed = true;
  }

  boolean isLive() {
    return pending == null;
  }
}
