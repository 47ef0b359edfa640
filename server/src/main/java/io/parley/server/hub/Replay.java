package io.parley.server.hub;

import io.parley.protocol.Position;
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

  /** Whether every missed message was replayed. */
  public boolean recovered() {
    return gap == null;
  }
}
