package io.parley.client;

import java.lang.System.Logger.Level;

/**
 * Receives one subscription's messages, one call at a time on the client's dispatcher thread, so an
 * implementation needs no synchronization unless it shares state with other threads. Calls come in
 * channel order (see {@link ParleyClient} for the threads). A call that throws is reported to
 * {@link ClientListener#onHandlerFailed} and delivery goes on with the next message.
 */
@FunctionalInterface
public interface MessageHandler {

  /** One message, never a duplicate, in {@code seq} order. */
  void onMessage(Message message);

  /**
   * Messages were lost for good (see {@link Gap}); the next {@link #onMessage} follows {@code
   * gap.to()}. The default logs a warning; override it to resynchronize the application's state.
   */
  default void onGap(Gap gap) {
    System.getLogger(MessageHandler.class.getName())
        .log(
            Level.WARNING,
            "channel {0}: messages after {1} up to {2} cannot be delivered",
            gap.channel(),
            gap.from(),
            gap.to());
  }

  /**
   * The server refused the subscription (for example {@code FORBIDDEN}). This is the last call for
   * this subscription. The default logs a warning.
   */
  default void onRejected(SubscriptionRejectedException rejection) {
    System.getLogger(MessageHandler.class.getName()).log(Level.WARNING, rejection.getMessage());
  }
}
