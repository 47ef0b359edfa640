package io.parley.server.backplane.memory;

import io.parley.protocol.Position;
import io.parley.server.hub.ChannelMessage;
import io.parley.server.hub.Replay;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * One channel's sequence and its bounded history: the last {@code maxSize} messages that are
 * younger than {@code maxAgeNanos}. Not thread-safe: the {@link MemoryBackplane} guards each
 * instance with its monitor.
 */
final class ChannelHistory {
  private final String channel;
  private final String epoch;
  private final int maxSize;
  private final long maxAgeNanos;
  // Starts small: every connection's session channel has a history, and most stay empty.
  private final ArrayDeque<Entry> entries = new ArrayDeque<>(2);
  private long lastSeq;

  private record Entry(ChannelMessage message, long appendedAtNanos) {}

  ChannelHistory(String channel, String epoch, int maxSize, long maxAgeNanos) {
    this.channel = channel;
    this.epoch = epoch;
    this.maxSize = maxSize;
    this.maxAgeNanos = maxAgeNanos;
  }

  String channel() {
    return channel;
  }

  String epoch() {
    return epoch;
  }

  Position position() {
    return new Position(epoch, lastSeq);
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  int size() {
    return entries.size();
  }

  /** How many held messages were appended at or after {@code sinceNanos}. */
  int appendedSince(long sinceNanos) {
    int count = 0;
    for (Iterator<Entry> it = entries.descendingIterator(); it.hasNext(); ) {
      if (it.next().appendedAtNanos() < sinceNanos) {
        break;
      }
      count++;
    }
    return count;
  }

  /** Assigns the next seq and keeps the message, evicting by count and age. */
  ChannelMessage append(
      String event, com.fasterxml.jackson.databind.JsonNode data, long ts, long nowNanos) {
    ChannelMessage message = new ChannelMessage(channel, epoch, ++lastSeq, event, data, ts);
    entries.addLast(new Entry(message, nowNanos));
    while (entries.size() > maxSize) {
      entries.removeFirst();
    }
    evictOlderThan(nowNanos);
    return message;
  }

  void evictOlderThan(long nowNanos) {
    while (!entries.isEmpty() && nowNanos - entries.peekFirst().appendedAtNanos() > maxAgeNanos) {
      entries.removeFirst();
    }
  }

  /** See {@link io.parley.server.hub.Backplane#replay}. */
  Replay replay(Position since, int limit, long nowNanos) {
    evictOlderThan(nowNanos);
    long firstRetained = entries.isEmpty() ? lastSeq + 1 : entries.peekFirst().message().seq();
    Iterable<ChannelMessage> retained = () -> entries.stream().map(Entry::message).iterator();
    return Replay.of(since, position(), firstRetained, retained, limit);
  }
}
