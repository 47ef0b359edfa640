package io.parley.client;

import io.parley.protocol.Position;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A thread-safe handle on one channel subscription of a {@link ParleyClient}. It survives
 * reconnects and transport switches: the client resubscribes from {@link #position()} each time.
 */
public interface Subscription {

  /** The channel name. */
  String channel();

  /**
   * The position of the last message (or gap end) whose handler call has returned; empty before the
   * first one when the subscription started live. Store it to resume with {@link
   * ParleyClient#subscribe(String, Position, MessageHandler)} in a later process.
   */
  Optional<Position> position();

  /** Whether the handler may still be called: false after unsubscribe, rejection or close. */
  boolean isActive();

  /**
   * Stops the subscription. No handler call starts after this returns (a call in progress on the
   * dispatcher thread finishes). Idempotent. The stage completes once the request is handed to the
   * connection (or at once when offline); the server's confirmation is not awaited.
   */
  CompletionStage<Void> unsubscribe();
}
