package io.parley.protocol.backoff;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How long to wait before retry attempt {@code n}. Attempts are 1-based: attempt 1 is the first
 * retry after a failure. Policies are stateless; {@link Backoff} counts attempts. Thread-safe when
 * the injected random source is (a {@link java.util.SplittableRandom} is not; guard it or give each
 * caller its own).
 */
public interface BackoffPolicy {

  /**
   * The delay before retry attempt {@code attempt}.
   *
   * @param attempt 1 for the first retry, 2 for the second, ...
   * @throws IllegalArgumentException when {@code attempt < 1}
   */
  Duration delay(int attempt);

  /**
   * Exponential backoff with full jitter: attempt {@code n} waits a uniformly random time in {@code
   * [0, min(cap, base * 2^(n-1))]}, at millisecond resolution. Full jitter spreads clients that
   * failed together, so they do not reconnect together.
   *
   * @param base the ceiling of attempt 1's delay
   * @param cap the largest ceiling of any attempt
   * @param random the source of jitter; seed it in tests to pin exact sequences
   */
  static BackoffPolicy exponentialFullJitter(Duration base, Duration cap, RandomGenerator random) {
    return new ExponentialBackoff(base, cap, Objects.requireNonNull(random, "random"));
  }

  /**
   * Exponential backoff without jitter: attempt {@code n} waits {@code min(cap, base * 2^(n-1))}.
   */
  static BackoffPolicy exponential(Duration base, Duration cap) {
    return new ExponentialBackoff(base, cap, null);
  }

  /** The same delay before every attempt. */
  static BackoffPolicy fixed(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative but was " + delay);
    }
    return attempt -> {
      ExponentialBackoff.checkAttempt(attempt);
      return delay;
    };
  }
}
