package io.parley.harness.fault;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Immutable and thread-safe: splits data into small segments sent {@code delay} apart, so the
 * receiver sees messages arrive in pieces (a frame split across TCP reads).
 *
 * <p>Segment sizes are {@code averageSize} plus a uniform deviation in {@code [-sizeVariation,
 * +sizeVariation]}. After each segment the fault waits {@code delay} before the next one, whether
 * or not it came from the same read.
 *
 * @param averageSize the mean segment size in bytes, at least 1
 * @param sizeVariation the largest deviation from {@code averageSize} in bytes, in {@code [0,
 *     averageSize)}, so every segment has at least one byte
 * @param delay the pause after each segment; {@link Duration#ZERO} sends the segments back to back
 */
public record Slicer(int averageSize, int sizeVariation, Duration delay) implements Fault {

  /**
   * @throws IllegalArgumentException when {@code averageSize < 1}, {@code sizeVariation} is
   *     negative or not below {@code averageSize}, or {@code delay} is negative
   */
  public Slicer {
    Checks.positive(averageSize, "averageSize");
    Checks.nonNegative(sizeVariation, "sizeVariation");
    if (sizeVariation >= averageSize) {
      throw new IllegalArgumentException(
          "sizeVariation must be less than averageSize ("
              + averageSize
              + ") but was "
              + sizeVariation);
    }
    Checks.nonNegative(delay, "delay");
  }

  /**
   * The size of the next segment in bytes, in {@code [averageSize - sizeVariation, averageSize +
   * sizeVariation]}. Draws from {@code random} only when {@code sizeVariation} is not zero.
   */
  public int sampleSize(RandomGenerator random) {
    Objects.requireNonNull(random, "random");
    if (sizeVariation == 0) {
      return averageSize;
    }
    return averageSize + random.nextInt(-sizeVariation, sizeVariation + 1);
  }

  @Override
  public FaultType type() {
    return FaultType.SLICER;
  }
}
