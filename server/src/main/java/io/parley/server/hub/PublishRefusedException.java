package io.parley.server.hub;

import io.parley.protocol.ServerFrame;

/**
 * Completes a publish the hub refused (for example {@code FORBIDDEN} or {@code CHANNEL_RESERVED});
 * {@link #error()} is what to tell the publisher. No stack trace: it is an answer, not a fault.
 */
public final class PublishRefusedException extends RuntimeException {
  private final transient ServerFrame.Error error;

  PublishRefusedException(ServerFrame.Error error) {
    super(error.message(), null, false, false);
    this.error = error;
  }

  /** The error to send to the publisher. */
  public ServerFrame.Error error() {
    return error;
  }
}
