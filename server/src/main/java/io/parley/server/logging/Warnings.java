package io.parley.server.logging;

import io.parley.server.config.RealtimeConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * Rate-limited warnings: a warning with a given key is written at most once per {@code
 * realtime.log.warning-interval}; the next one written after a quiet spell says how many were
 * suppressed since the last. At {@link #MAX_KEYS} keys, those whose interval has passed are
 * dropped, so a flood of distinct keys cannot grow the map without bound. Thread-safe and
 * non-blocking.
 */
@Singleton
public class Warnings {
  /** Keys tracked before the expired ones are dropped. */
  static final int MAX_KEYS = 10_000;

  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

  @Inject
  public Warnings(RealtimeConfig config) {
    this(config.log().warningInterval(), System::nanoTime);
  }

  Warnings(Duration interval, LongSupplier nanoTime) {
    this.intervalNanos = interval.toNanos();
    this.nanoTime = nanoTime;
  }

  /**
   * Decides whether a warning with {@code key} is written now: the first of each interval is.
   *
   * @return how many warnings with {@code key} were suppressed since the last one written (0 for
   *     none), or -1 when this one is to be suppressed too (it is counted)
   */
  public long admit(String key) {
    long now = nanoTime.getAsLong();
    long[] suppressed = {-1};
    if (windows.size() >= MAX_KEYS) {
      windows.values().removeIf(window -> now - window.startNanos >= intervalNanos);
    }
    windows.compute(
        key,
        (k, window) -> {
          if (window == null || now - window.startNanos >= intervalNanos) {
            suppressed[0] = window == null ? 0 : window.suppressed;
            return new Window(now);
          }
          window.suppressed++;
          return window;
        });
    return suppressed[0];
  }

  /**
   * Writes {@code message} at {@code WARN} to {@code log} unless {@link #admit} suppresses it; the
   * first one after suppressed ones ends with "(suppressed N)".
   *
   * @return whether it was written
   */
  public boolean warn(Logger log, String key, String message) {
    long suppressed = admit(key);
    if (suppressed < 0) {
      return false;
    }
    log.warn(suppressed == 0 ? message : message + " (suppressed " + suppressed + ")");
    return true;
  }

  /** One key's interval: when it started and how many warnings it swallowed. */
  private static final class Window {
    final long startNanos;
    long suppressed;

    Window(long startNanos) {
      this.startNanos = startNanos;
    }
  }
}
