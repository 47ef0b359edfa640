package io.parley.server.hub;

import io.parley.protocol.ServerFrame;

/**
 * Thrown by {@link Hub#open} when the hub will not open another session (for example {@code
 * TOO_MANY_CONNECTIONS}); {@link #error()} is what to tell the client before closing. No stack
 * trace: it is an answer, not a fault.
 */
public final class SessionRefusedException extends RuntimeException {
  private final transient ServerFrame.Error error;

  SessionRefusedException(ServerFrame.Error error) {
    super(error.message(), null, false, false);
    this.error = error;
  }

  /** The error to send to the client. */
  public ServerFrame.Error error() {
    return error;
  }
}
