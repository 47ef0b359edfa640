package io.parley.client;

import io.parley.protocol.Position;
import java.util.Objects;

/**
 * An immutable, thread-safe report of messages that cannot be delivered: everything after {@code
 * from} up to and including {@code to} is gone (it fell out of the server's history, or {@code
 * from}'s epoch was lost). Delivery goes on after {@code to}. Immutable and thread-safe.
 *
 * @param channel the channel
 * @param from the last position the client had; may be in an older epoch than {@code to}
 * @param to the last position that cannot be delivered; the next message follows it
 */
public record Gap(String channel, Position from, Position to) {
  public Gap {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
  }

  /** Whether the channel's history was lost and restarted (a new epoch) rather than trimmed. */
  public boolean epochChanged() {
    return !from.epoch().equals(to.epoch());
  }
}
