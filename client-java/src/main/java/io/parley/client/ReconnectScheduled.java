package io.parley.client;

import java.time.Duration;
import java.util.Objects;

/**
 * An immutable, thread-safe event: a connection round failed (or a connection was lost) and the
 * next round starts after {@code delay}.
 *
 * @param attempt the 1-based number of the retry round this schedules
 * @param delay how long the client waits before it, from the backoff policy
 * @param cause the failure that made the retry necessary, or {@code null}
 */
public record ReconnectScheduled(int attempt, Duration delay, ParleyException cause) {
  public ReconnectScheduled {
    Objects.requireNonNull(delay, "delay");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempts are 1-based but got " + attempt);
    }
  }
}
