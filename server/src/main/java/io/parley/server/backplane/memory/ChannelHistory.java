package io.parley.server.backplane.memory;

import io.parley.protocol.Position;
import io.parley.server.hub.ChannelMessage;
import io.parley.server.hub.Replay;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

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
    Position current = position();
    if (since == null) {
      return new Replay(current, null, List.of(), false, false);
    }
    boolean sameEpoch = since.epoch().equals(epoch);
    if (sameEpoch && since.seq() > lastSeq) {
      return new Replay(current, null, List.of(), false, true);
    }
    long firstRetained = entries.isEmpty() ? lastSeq + 1 : entries.peekFirst().message().seq();
    // seq 0 means "from the very start": any epoch's start is the same point.
    boolean continuous = sameEpoch || since.seq() == 0;
    long resumeAfter = continuous ? since.seq() : 0;
    Replay.Gap gap = null;
    if (!continuous || resumeAfter + 1 < firstRetained) {
      long lostThrough = firstRetained - 1;
      gap = new Replay.Gap(since, new Position(epoch, lostThrough));
      resumeAfter = Math.max(resumeAfter, lostThrough);
    }
    List<ChannelMessage> messages = new ArrayList<>();
    boolean truncated = false;
    for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
      ChannelMessage message = it.next().message();
      if (message.seq() <= resumeAfter) {
        continue;
      }
      if (messages.size() == limit) {
        truncated = true;
        break;
      }
      messages.add(message);
    }
    Position reached = truncated ? messages.get(messages.size() - 1).position() : current;
    return new Replay(reached, gap, messages, truncated, false);
  }
}
