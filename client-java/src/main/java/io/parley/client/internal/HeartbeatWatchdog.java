package io.parley.client.internal;

import io.parley.protocol.time.Scheduler.Cancellable;
import io.parley.protocol.time.Ticker;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Declares a connection dead when nothing has been heard from it for the deadline. It does not
 * reschedule on every frame: one timer fires at the earliest possible expiry, and re-arms for the
 * remainder when a frame came meanwhile. Not thread-safe: event loop only.
 */
final class HeartbeatWatchdog {
  private final EventLoop loop;
  private final Ticker ticker;
  private Cancellable timer;
  private long generation;

  HeartbeatWatchdog(EventLoop loop, Ticker ticker) {
    this.loop = loop;
    this.ticker = ticker;
  }

  /**
   * Watches one connection, replacing any earlier watch.
   *
   * @param lastHeardNanos the ticker time of the connection's last frame
   * @param deadline the silence that counts as dead
   * @param onSilence runs once, on the loop, when the deadline passes in silence
   */
  void watch(LongSupplier lastHeardNanos, Duration deadline, Runnable onSilence) {
    stop();
    long watch = generation;
    arm(watch, lastHeardNanos, deadline.toNanos(), deadline, onSilence);
  }

  /** Stops watching. */
  void stop() {
    generation++;
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  private void arm(
      long watch, LongSupplier lastHeard, long waitNanos, Duration deadline, Runnable onSilence) {
    timer =
        loop.schedule(
            Duration.ofNanos(waitNanos),
            () -> {
              if (watch != generation) {
                return;
              }
              long silent = ticker.nanoTime() - lastHeard.getAsLong();
              long remaining = deadline.toNanos() - silent;
              if (remaining <= 0) {
                timer = null;
                onSilence.run();
              } else {
                arm(watch, lastHeard, remaining, deadline, onSilence);
              }
            });
  }
}
