package io.parley.harness.scenario;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Thread-safe: lets the runner wait for a condition over state that other threads change, woken by
 * {@link #changed()} instead of polling at a fixed rate. Every wait is bounded.
 */
final class Signal {

  /** Re-check at least this often, in case a change was not signalled (clients' own status). */
  private static final long RECHECK_MILLIS = 100;

  private final Object lock = new Object();
  private long version;

  /** Wakes every waiter to re-check its condition. */
  void changed() {
    synchronized (lock) {
      version++;
      lock.notifyAll();
    }
  }

  /**
   * Waits until {@code condition} holds or {@code timeout} passes.
   *
   * @return whether the condition held
   * @throws InterruptedException when interrupted while waiting
   */
  boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (condition.getAsBoolean()) {
        return true;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      synchronized (lock) {
        lock.wait(Math.max(1, Math.min(RECHECK_MILLIS, left / 1_000_000)));
      }
    }
  }

  /**
   * Lets {@code duration} pass, as a timeline {@code wait} step does: the scenario runs against
   * real processes, so there is no virtual time to advance.
   *
   * @throws InterruptedException when interrupted while waiting
   */
  void pass(Duration duration) throws InterruptedException {
    long deadline = System.nanoTime() + duration.toNanos();
    await(() -> System.nanoTime() - deadline >= 0, duration.plusSeconds(1));
  }
}
