package io.parley.client.internal.transport;

import io.parley.client.ParleyException;
import io.parley.protocol.ServerFrame;

/**
 * Where the pieces of one HTTP poll connection ({@link PollLoop}, {@link PublishQueue}, {@link
 * TokenRefresh}) report; implementations are thread-safe and never block.
 */
interface PollSink {

  /** Hands {@code frame} to the connection's listener, unless the connection has finished. */
  void emit(ServerFrame frame);

  /** Ends the connection with {@code cause}, the listener's final call; only the first counts. */
  void fail(ParleyException cause);

  /** Whether the connection failed or was closed: nothing more is sent or reported. */
  boolean finished();
}
