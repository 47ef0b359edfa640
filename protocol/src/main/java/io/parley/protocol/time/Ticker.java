package io.parley.protocol.time;

/**
 * A monotonic clock in nanoseconds, for measuring intervals. Implementations are thread-safe. Tests
 * use {@code FakeTicker} from the protocol test-jar.
 */
@FunctionalInterface
public interface Ticker {

  /** Nanoseconds since an arbitrary origin; only differences mean anything. */
  long nanoTime();

  /** The system's monotonic clock. */
  static Ticker system() {
    return System::nanoTime;
  }
}
