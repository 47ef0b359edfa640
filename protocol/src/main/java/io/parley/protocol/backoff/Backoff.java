package io.parley.protocol.backoff;

import java.time.Duration;
import java.util.Objects;

/**
 * Counts consecutive failures and yields the delay before each retry from a {@link BackoffPolicy}.
 * Not thread-safe: one instance belongs to one reconnect loop.
 */
public final class Backoff {
  private final BackoffPolicy policy;
  private int attempt;

  public Backoff(BackoffPolicy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /** Records one more failure and returns the delay before the next retry. */
  public Duration nextDelay() {
    if (attempt < Integer.MAX_VALUE) {
      attempt++;
    }
    return policy.delay(attempt);
  }

  /** The 1-based number of the last retry scheduled, 0 before any failure or after a reset. */
  public int attempt() {
    return attempt;
  }

  /** Forgets the failures, e.g. after a connection has been stable for a while. */
  public void reset() {
    attempt = 0;
  }
}
