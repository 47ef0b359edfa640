package io.parley.client.internal;

import io.parley.client.internal.transport.PublishOutcome;
import io.parley.protocol.ErrorCode;
import java.time.Duration;
import java.util.Objects;

/**
 * Which refused backend publishes are sent again and when, immutable and thread-safe: a {@code
 * RATE_LIMITED} or HTTP 503 refusal after the server's {@code Retry-After} (or {@link
 * #DEFAULT_DELAY} when it sent none), unless that is longer than {@code maxRetryDelay}; at most
 * {@code maxAttempts} requests per publish in all, counted from 1, the token renewal's included.
 *
 * @param maxAttempts requests per publish, at least 1 (1: nothing is sent again; the builder checks
 *     it)
 * @param maxRetryDelay the longest {@code Retry-After} waited for; a longer one fails the publish
 */
public record PublishRetries(int maxAttempts, Duration maxRetryDelay) {
  /** The wait before sending a refused publish again when the server named none: 1 s. */
  public static final Duration DEFAULT_DELAY = Duration.ofSeconds(1);

  public PublishRetries {
    Objects.requireNonNull(maxRetryDelay, "maxRetryDelay");
  }

  /**
   * How long to wait before sending the publish {@code refused} again, or {@code null} when it is
   * not sent again (another refusal, or a {@code Retry-After} beyond {@code maxRetryDelay}).
   */
  Duration delay(PublishOutcome.Refused refused) {
    boolean later =
        refused.problem().status() == 503
            || refused.problem().effectiveCode() == ErrorCode.RATE_LIMITED;
    if (!later) {
      return null;
    }
    Duration delay = refused.retryAfter() == null ? DEFAULT_DELAY : refused.retryAfter();
    return delay.compareTo(maxRetryDelay) > 0 ? null : delay;
  }
}
