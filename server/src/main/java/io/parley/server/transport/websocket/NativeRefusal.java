package io.parley.server.transport.websocket;

import io.parley.protocol.ErrorCategory;
import io.parley.protocol.ServerFrame;
import io.parley.server.hub.Refusal;

/**
 * How {@code /ws} says no: a {@link Refusal} becomes an {@code error} frame answering the request
 * that caused it, and the close code that follows when the connection is closed for it. A retry
 * hint goes out as {@code retryAfterMs}, as HTTP sends {@code Retry-After}. Stateless and
 * thread-safe.
 */
final class NativeRefusal {
  /** Close code for a retryable server-side disconnect (RFC 6455: try again later). */
  static final int CLOSE_TRY_AGAIN_LATER = 1013;

  /** Close code for a refused peer (RFC 6455: policy violation). */
  static final int CLOSE_POLICY_VIOLATION = 1008;

  private NativeRefusal() {}

  /** The {@code error} frame of {@code refusal}, answering {@code requestId} (may be null). */
  static ServerFrame.Error frame(String requestId, Refusal refusal) {
    ServerFrame.Error error =
        ServerFrame.Error.of(requestId, refusal.code(), refusal.message(), refusal.field());
    return refusal.hasRetryAfter()
        ? error.withRetryAfterMs(refusal.retryAfter().toMillis())
        : error;
  }

  /** The close code after {@code refusal}: 1013 for connection trouble, else 1008. */
  static int closeCode(Refusal refusal) {
    return refusal.code().category() == ErrorCategory.CONNECTION
        ? CLOSE_TRY_AGAIN_LATER
        : CLOSE_POLICY_VIOLATION;
  }
}
