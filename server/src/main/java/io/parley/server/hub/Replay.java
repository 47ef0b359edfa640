package io.parley.server.hub;

import io.parley.protocol.Position;
import java.util.ArrayList;
import java.util.List;

/**
 * What a reader at some position missed in one channel. Immutable and thread-safe.
 *
 * @param position where the reader is after taking {@code messages}: the channel's current
 *     position, or the last message's when {@code truncated}
 * @param gap what cannot be replayed (its {@code from} and {@code to}), or {@code null}
 * @param messages the missed messages that history still holds, in seq order
 * @param truncated whether more messages follow {@code position} than the limit allowed
 * @param ahead whether the reader's position is beyond the channel's (same epoch): an error
 */
public record Replay(
    Position position, Gap gap, List<ChannelMessage> messages, boolean truncated, boolean ahead) {

  public Replay {
    messages = List.copyOf(messages);
  }

  /** Messages after {@code from} up to and including {@code to} cannot be replayed. */
  public record Gap(Position from, Position to) {}

  /**
   * What a reader at {@code since} missed in a channel at {@code current} whose history holds
   * {@code retained}: the one reading of history that every backplane shares.
   *
   * @param since the reader's position, or {@code null} to start live
   * @param firstRetained the seq of the oldest message held; {@code current.seq() + 1} when none is
   * @param retained the held messages in seq order (consecutive, ending at {@code current}); read
   *     only as far as needed
   * @param limit messages at most; past it the replay is {@code truncated}
   */
  public static Replay of(
      Position since,
      Position current,
      long firstRetained,
      Iterable<ChannelMessage> retained,
      int limit) {
    if (since == null) {
      return new Replay(current, null, List.of(), false, false);
    }
    boolean sameEpoch = since.epoch().equals(current.epoch());
    if (sameEpoch && since.seq() > current.seq()) {
      return new Replay(current, null, List.of(), false, true);
    }
    // seq 0 means "from the very start": any epoch's start is the same point.
    boolean continuous = sameEpoch || since.seq() == 0;
    long resumeAfter = continuous ? since.seq() : 0;
    Gap gap = null;
    if (!continuous || resumeAfter + 1 < firstRetained) {
      long lostThrough = firstRetained - 1;
      gap = new Gap(since, new Position(current.epoch(), lostThrough));
      resumeAfter = Math.max(resumeAfter, lostThrough);
    }
    List<ChannelMessage> messages = new ArrayList<>();
    boolean truncated = false;
    for (ChannelMessage message : retained) {
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

  /** Whether every missed message was replayed. */
  public boolean recovered() {
    return gap == null;
  }
}
