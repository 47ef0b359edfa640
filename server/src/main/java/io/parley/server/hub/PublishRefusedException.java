package io.parley.server.hub;

import io.parley.protocol.ServerFrame;

/**
 * Completes a publish the hub refused (for example {@code FORBIDDEN} or {@code CHANNEL_RESERVED});
 * {@link #error()} is what to tell the publisher. No stack trace: it is an answer, not a fault.
 */
public final class PublishRefusedException extends RuntimeException {
  private final transient ServerFrame.Error error;
  private final long retryAfterMillis;

  PublishRefusedException(ServerFrame.Error error) {
    this(error, 0);
  }

  PublishRefusedException(ServerFrame.Error error, long retryAfterMillis) {
    super(error.message(), null, false, false);
    this.error = error;
    this.retryAfterMillis = retryAfterMillis;
  }

  /** The error to send to the publisher. */
  public ServerFrame.Error error() {
    return error;
  }

  /** For {@code RATE_LIMITED}: milliseconds until a retry can succeed; otherwise 0. */
  public long retryAfterMillis() {
    return retryAfterMillis;
  }
}
