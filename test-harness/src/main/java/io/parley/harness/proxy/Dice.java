package io.parley.harness.proxy;

import io.parley.harness.fault.FaultRule;
import java.util.SplittableRandom;

/**
 * The proxy's seeded randomness. Stateless and thread-safe.
 *
 * <p>Every random decision is drawn from a generator derived from the proxy seed, the connection's
 * number (1 for the first connection accepted) and the rule's name and direction. So results do not
 * depend on how connections interleave in time: with the same seed, connection 7 gets the same
 * toxicity verdict and the same jitter sequence every run, and adding a rule does not shift the
 * draws of another.
 */
final class Dice {

  private static final long TOXICITY_SALT = 0x746f786963697479L;
  private static final long STAGE_SALT = 0x7374616765L;

  private Dice() {}

  /** Whether {@code rule} applies to connection {@code connectionId}. */
  static boolean applies(long seed, long connectionId, FaultRule rule) {
    if (rule.toxicity() >= 1.0) {
      return true;
    }
    if (rule.toxicity() <= 0.0) {
      return false;
    }
    return new SplittableRandom(mix(seed, connectionId, rule, TOXICITY_SALT)).nextDouble()
        < rule.toxicity();
  }

  /** The generator a fault stage draws its jitter and sizes from. */
  static SplittableRandom forStage(long seed, long connectionId, FaultRule rule) {
    return new SplittableRandom(mix(seed, connectionId, rule, STAGE_SALT));
  }

  private static long mix(long seed, long connectionId, FaultRule rule, long salt) {
    long h = mix64(seed ^ salt);
    h = mix64(h ^ connectionId);
    h = mix64(h ^ rule.name().hashCode());
    return mix64(h ^ rule.direction().ordinal());
  }

  /** The MurmurHash3 64-bit finalizer: spreads every input bit over the output. */
  private static long mix64(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }
}
