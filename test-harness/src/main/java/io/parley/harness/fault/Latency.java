package io.parley.harness.fault;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Immutable and thread-safe: delays every chunk of data by {@code latency}, plus or minus a
 * uniformly random {@code jitter}.
 *
 * <p>A chunk is what one read from the source socket returned (at most 16 KiB). Chunks keep their
 * order: a chunk is never released before the one read before it, so a large negative jitter on one
 * chunk cannot overtake its predecessor (TCP cannot reorder, and neither do we).
 *
 * @param latency the mean delay added to each chunk
 * @param jitter the largest deviation from {@code latency}, either way; {@link Duration#ZERO} for a
 *     fixed delay. A sample below zero is clamped to zero
 */
public record Latency(Duration latency, Duration jitter) implements Fault {

  /**
   * @throws IllegalArgumentException when either duration is negative
   * @throws NullPointerException when either is null
   */
  public Latency {
    Checks.nonNegative(latency, "latency");
    Checks.nonNegative(jitter, "jitter");
  }

  /** A fixed delay, without jitter. */
  public static Latency of(Duration latency) {
    return new Latency(latency, Duration.ZERO);
  }

  /**
   * The delay for one chunk: {@code latency + u} with {@code u} uniform in {@code [-jitter,
   * +jitter]} at nanosecond resolution, never below zero. Draws from {@code random} only when
   * jitter is not zero, so a seeded random gives the same sequence every run.
   */
  public Duration sample(RandomGenerator random) {
    Objects.requireNonNull(random, "random");
    if (jitter.isZero()) {
      return latency;
    }
    long jitterNanos = jitter.toNanos();
    long offset = random.nextLong(-jitterNanos, jitterNanos + 1);
    return Duration.ofNanos(Math.max(0, latency.toNanos() + offset));
  }

  @Override
  public FaultType type() {
    return FaultType.LATENCY;
  }
}
