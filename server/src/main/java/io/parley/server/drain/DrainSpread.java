package io.parley.server.drain;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * Each session's delay before it reconnects elsewhere, spread evenly over a window so that a
 * drained node's clients do not all arrive at once: a function of a seed and the session id only,
 * so a test that fixes the seed knows every delay. Immutable and thread-safe.
 *
 * @param seed mixes into every delay
 * @param window the delays fall in {@code [0, window)}
 */
record DrainSpread(long seed, Duration window) {

  /** The delay of {@code sessionId}, in milliseconds, in {@code [0, window)}; 0 for no window. */
  long delayMillis(String sessionId) {
    long windowMillis = window.toMillis();
    if (windowMillis <= 0) {
      return 0;
    }
    return new SplittableRandom(seed ^ mix(sessionId)).nextLong(windowMillis);
  }

  /** A 64-bit hash of the id, so ids differing in one character land far apart. */
  private static long mix(String id) {
    long hash = 0xcbf29ce484222325L; // FNV-1a 64 offset basis
    for (int i = 0; i < id.length(); i++) {
      hash ^= id.charAt(i);
      hash *= 0x100000001b3L; // FNV-1a 64 prime
    }
    return hash;
  }
}
