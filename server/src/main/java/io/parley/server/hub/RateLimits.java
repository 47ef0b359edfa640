package io.parley.server.hub;

import io.parley.protocol.time.Ticker;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One {@link TokenBucket} per key (a token subject or a client address), for publishers without a
 * session. Bounded: at most {@code maxKeys} buckets; when full, the least recently used one is
 * forgotten (its key starts again with a full burst), and {@link #expire} drops buckets that have
 * refilled, which is lossless. Thread-safe: one monitor held for a map operation, never blocking.
 */
public final class RateLimits {
  private final double ratePerSecond;
  private final int burst;
  private final Ticker ticker;
  private final LinkedHashMap<String, TokenBucket> buckets;

  /**
   * @param ratePerSecond each key's sustained rate
   * @param burst each key's bucket size
   * @param maxKeys buckets kept at most
   */
  public RateLimits(double ratePerSecond, int burst, int maxKeys, Ticker ticker) {
    if (maxKeys < 1) {
      throw new IllegalArgumentException("maxKeys must be at least 1, not " + maxKeys);
    }
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.buckets =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, TokenBucket> eldest) {
            return size() > maxKeys;
          }
        };
    new TokenBucket(ratePerSecond, burst, ticker); // validates the settings now
  }

  /**
   * Takes a token from {@code key}'s bucket.
   *
   * @return 0 when allowed, else the milliseconds until the next token
   */
  public long tryTake(String key) {
    TokenBucket bucket;
    synchronized (buckets) {
      bucket = buckets.computeIfAbsent(key, k -> new TokenBucket(ratePerSecond, burst, ticker));
    }
    return bucket.tryTake();
  }

  /** Forgets the buckets that are full again; call periodically. */
  public void expire() {
    synchronized (buckets) {
      for (Iterator<TokenBucket> it = buckets.values().iterator(); it.hasNext(); ) {
        if (it.next().isFull()) {
          it.remove();
        }
      }
    }
  }

  /** How many keys are tracked. */
  public int size() {
    synchronized (buckets) {
      return buckets.size();
    }
  }
}
