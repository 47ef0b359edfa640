package io.parley.client.internal;

import io.parley.protocol.Transport;
import io.parley.protocol.time.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The enabled transports in order, with each one's consecutive failures. A transport that has
 * failed {@code threshold} times in a row is skipped by connection rounds for {@code skipDuration}
 * from its last failure (every further failure restarts the skip); upward probes still try it. A
 * connection that stays up for the stable period clears the count. When every transport is skipped,
 * a round tries them all. Not thread-safe: event loop only.
 */
final class TransportLadder {
  private final List<Transport> order;
  private final int threshold;
  private final long skipNanos;
  private final Ticker ticker;
  private final Map<Transport, Integer> failures = new EnumMap<>(Transport.class);
  private final Map<Transport, Long> skippedUntil = new EnumMap<>(Transport.class);

  TransportLadder(List<Transport> order, int threshold, Duration skipDuration, Ticker ticker) {
    this.order = List.copyOf(order);
    this.threshold = threshold;
    this.skipNanos = skipDuration.toNanos();
    this.ticker = ticker;
  }

  /** The best enabled transport. */
  Transport best() {
    return order.get(0);
  }

  /** The transports a connection round tries now, best first. */
  List<Transport> roundOrder() {
    List<Transport> usable = new ArrayList<>();
    for (Transport transport : order) {
      if (!isSkipped(transport)) {
        usable.add(transport);
      }
    }
    return usable.isEmpty() ? order : usable;
  }

  /** The enabled transports better than {@code transport}, best first. */
  List<Transport> above(Transport transport) {
    int index = order.indexOf(transport);
    return index <= 0 ? List.of() : order.subList(0, index);
  }

  /** Whether rounds skip {@code transport} now. */
  boolean isSkipped(Transport transport) {
    Long until = skippedUntil.get(transport);
    return until != null && ticker.nanoTime() - until < 0;
  }

  /** Consecutive failures of {@code transport}. */
  int failures(Transport transport) {
    return failures.getOrDefault(transport, 0);
  }

  /** Counts a failure; returns whether the transport is skipped from now on. */
  boolean recordFailure(Transport transport) {
    int count = failures.merge(transport, 1, Integer::sum);
    if (count >= threshold) {
      skippedUntil.put(transport, ticker.nanoTime() + skipNanos);
      return true;
    }
    return false;
  }

  /**
   * The server said it does not offer {@code transport}: rounds skip it for the skip duration from
   * now, whatever its count of failures.
   */
  void notOffered(Transport transport) {
    skippedUntil.put(transport, ticker.nanoTime() + skipNanos);
  }

  /**
   * Forgets every transport's failures and skip: the client moved to another server, where they may
   * all work.
   */
  void reset() {
    failures.clear();
    skippedUntil.clear();
  }

  /** Clears the transport's failures and skip. */
  void recordSuccess(Transport transport) {
    failures.remove(transport);
    skippedUntil.remove(transport);
  }
}
