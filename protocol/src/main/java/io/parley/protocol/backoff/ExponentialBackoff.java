package io.parley.protocol.backoff;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/** See {@link BackoffPolicy#exponentialFullJitter}. Thread-safe when {@code random} is. */
final class ExponentialBackoff implements BackoffPolicy {
  private final long baseMillis;
  private final long capMillis;
  private final RandomGenerator random;

  ExponentialBackoff(Duration base, Duration cap, RandomGenerator random) {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(cap, "cap");
    if (base.toMillis() < 1) {
      throw new IllegalArgumentException("base must be at least 1 ms but was " + base);
    }
    if (cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("cap " + cap + " must not be below base " + base);
    }
    this.baseMillis = base.toMillis();
    this.capMillis = cap.toMillis();
    this.random = random;
  }

  @Override
  public Duration delay(int attempt) {
    checkAttempt(attempt);
    long ceiling = ceilingMillis(attempt);
    long millis = random == null ? ceiling : random.nextLong(ceiling + 1);
    return Duration.ofMillis(millis);
  }

  /** {@code min(cap, base * 2^(attempt-1))} without overflow. */
  long ceilingMillis(int attempt) {
    int doublings = attempt - 1;
    // Past 62 doublings the shift overflows; any such value is above every sane cap anyway.
    if (doublings >= 62 || baseMillis > (capMillis >> doublings)) {
      return capMillis;
    }
    return Math.min(capMillis, baseMillis << doublings);
  }

  static void checkAttempt(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempts are 1-based but got " + attempt);
    }
  }

  @Override
  public String toString() {
    return "ExponentialBackoff[base="
        + baseMillis
        + "ms, cap="
        + capMillis
        + "ms, jitter="
        + (random == null ? "none" : "full")
        + "]";
  }
}
