package io.parley.server.hub;

import io.parley.protocol.ServerFrame;

/**
 * The outbound side of one client connection, implemented by each transport. The hub calls these
 * from any thread, sometimes while holding a channel lock, so implementations must be thread-safe
 * and must never block: they enqueue and return.
 */
public interface SessionSink {

  /**
   * Queues a channel message (replayed or live).
   *
   * @return {@code false} when the connection's bounded outbound queue is full; the hub then
   *     disconnects the session as a slow consumer
   */
  boolean sendMessage(ChannelMessage message);

  /**
   * Queues a control frame: {@code subscribed}, {@code unsubscribed}, {@code gap}, {@code error}.
   *
   * @return {@code false} when the outbound queue is full
   */
  boolean send(ServerFrame frame);

  /**
   * Sends {@code reason} if possible and closes the connection. The transport then calls {@link
   * Hub#close(Session)} from its close handler. Idempotent.
   */
  void close(ServerFrame.Error reason);
}
