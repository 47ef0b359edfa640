package io.parley.server.hub;

import io.parley.protocol.time.Ticker;
import java.util.Objects;

/**
 * A token bucket: {@code burst} tokens at most, refilled at {@code ratePerSecond}; each allowed
 * action takes one. Thread-safe (a short monitor; callers on event loops never wait long).
 */
public final class TokenBucket {
  private static final double NANOS_PER_SECOND = 1_000_000_000d;

  private final double ratePerNano;
  private final double burst;
  private final Ticker ticker;
  private double tokens;
  private long lastNanos;

  /**
   * A full bucket.
   *
   * @param ratePerSecond tokens added per second; must be positive
   * @param burst the bucket's size, at least 1
   */
  public TokenBucket(double ratePerSecond, int burst, Ticker ticker) {
    if (!(ratePerSecond > 0) || burst < 1) {
      throw new IllegalArgumentException(
          "a token bucket needs a positive rate and a burst of at least 1, not "
              + ratePerSecond
              + "/s and "
              + burst);
    }
    this.ratePerNano = ratePerSecond / NANOS_PER_SECOND;
    this.burst = burst;
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.tokens = burst;
    this.lastNanos = ticker.nanoTime();
  }

  /**
   * Takes a token if there is one.
   *
   * @return 0 when taken, else how many milliseconds (at least 1) until one is available
   */
  public synchronized long tryTake() {
    refill();
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    double missingNanos = (1 - tokens) / ratePerNano;
    return Math.max(1, (long) Math.ceil(missingNanos / 1_000_000d));
  }

  /** Whether the bucket is full again: forgetting it then changes nothing. */
  public synchronized boolean isFull() {
    refill();
    return tokens >= burst;
  }

  private void refill() {
    long now = ticker.nanoTime();
    long elapsed = now - lastNanos;
    if (elapsed > 0) {
      tokens = Math.min(burst, tokens + elapsed * ratePerNano);
      lastNanos = now;
    }
  }
}
