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
   * Queues a control frame: {@code subscribed}, {@code unsubscribed}, {@code gap}. Refusals come
   * through {@link #sendRefusal}, or as the failed stage of the request they answer.
   *
   * @return {@code false} when the outbound queue is full
   */
  boolean send(ServerFrame frame);

  /**
   * Queues a refusal the hub makes on its own, answering no request: {@code TOKEN_REFRESH_REQUIRED}
   * when the session's token expires, {@code FORBIDDEN} for a channel a refreshed token no longer
   * grants.
   *
   * @return {@code false} when the outbound queue is full
   */
  boolean sendRefusal(Refusal refusal);

  /**
   * Sends {@code reason} if possible and closes the connection. The transport then calls {@link
   * Hub#close(Session)} from its close handler. Idempotent.
   */
  void close(Refusal reason);

  /**
   * Frames queued for this connection and not yet written, for the outbound queue depth metric; 0
   * for a sink without a queue of its own. Any thread; a racy read is fine.
   */
  default int queued() {
    return 0;
  }
}
