package io.parley.protocol.time;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs tasks after a delay and tells the time. Implementations are thread-safe. Production code
 * uses {@link #of(ScheduledExecutorService)}; tests drive virtual time with {@code FakeScheduler}
 * from the protocol test-jar.
 */
public interface Scheduler {

  /**
   * Runs {@code task} once after {@code delay}.
   *
   * @return a handle that cancels the task if it has not started
   */
  Cancellable schedule(Duration delay, Runnable task);

  /** The clock this scheduler's delays are measured on. */
  Ticker ticker();

  /** A scheduled task that can be cancelled. */
  @FunctionalInterface
  interface Cancellable {
    /** Stops the task if it has not started; does nothing otherwise. */
    void cancel();
  }

  /** A scheduler on {@code executor} and the system clock. The caller owns the executor. */
  static Scheduler of(ScheduledExecutorService executor) {
    Objects.requireNonNull(executor, "executor");
    return new Scheduler() {
      @Override
      public Cancellable schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> future = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
      }

      @Override
      public Ticker ticker() {
        return Ticker.system();
      }
    };
  }
}
