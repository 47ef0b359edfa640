package io.parley.server.testing;

import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.engine.SourceOfRandomness;

/**
 * Draws a repeatable list of values from a jqwik {@link Arbitrary} outside a property, for tests
 * that cannot be properties themselves (a {@code @QuarkusTest} runs under JUnit Jupiter only).
 * Sampling outside a property uses jqwik's per-thread source of randomness, which is seeded here
 * (jqwik engine API, not its public one: revisit on a jqwik upgrade).
 */
public final class SeededSamples {
  private SeededSamples() {}

  /** {@code count} values of {@code arbitrary}, the same ones for the same {@code seed}. */
  public static <T> List<T> of(Arbitrary<T> arbitrary, long seed, int count) {
    SourceOfRandomness.create(Long.toString(seed));
    return arbitrary.sampleStream().limit(count).toList();
  }
}
