package io.parley.server.hub;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the hub has done since it started, counted where it decides it; read by metrics at scrape
 * time. None of these is counted per delivery (deliveries are counted per thread by the
 * transports), so striped adders keep them cheap enough. Thread-safe; every value only grows.
 */
public final class HubCounters {
  final LongAdder published = new LongAdder();
  final LongAdder duplicatePublishes = new LongAdder();
  final LongAdder resumesRecovered = new LongAdder();
  final LongAdder resumesGap = new LongAdder();
  final LongAdder replayedMessages = new LongAdder();
  final LongAdder slowConsumers = new LongAdder();
  final LongAdder rateLimited = new LongAdder();

  /** Messages appended and fanned out on this node (retried publishes not included). */
  public long published() {
    return published.sum();
  }

  /** Publishes answered with the original position as retries of an earlier one. */
  public long duplicatePublishes() {
    return duplicatePublishes.sum();
  }

  /** Subscribes with {@code since} that replayed everything missed. */
  public long resumesRecovered() {
    return resumesRecovered.sum();
  }

  /** Subscribes with {@code since} that history no longer covered: a {@code gap} was sent. */
  public long resumesGap() {
    return resumesGap.sum();
  }

  /** Messages sent from history by resuming subscribes. */
  public long replayedMessages() {
    return replayedMessages.sum();
  }

  /** Sessions disconnected as slow consumers. */
  public long slowConsumers() {
    return slowConsumers.sum();
  }

  /** Publishes refused with {@code RATE_LIMITED}. */
  public long rateLimited() {
    return rateLimited.sum();
  }
}
