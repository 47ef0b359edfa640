package io.parley.protocol;

import java.util.Objects;

/**
 * A place in a channel's sequence: the channel's {@code epoch} and the {@code seq} of the last
 * message at or before it. {@code seq} 0 means "before the first message". Immutable and
 * thread-safe.
 *
 * @param epoch identifies one unbroken history of the channel; it changes when history is lost
 * @param seq the sequence number, 0 or more
 */
public record Position(String epoch, long seq) {
  public Position {
    Objects.requireNonNull(epoch, "epoch");
    if (epoch.isEmpty()) {
      throw new IllegalArgumentException("epoch must not be empty");
    }
    if (seq < 0) {
      throw new IllegalArgumentException("seq must be >= 0 but was " + seq);
    }
  }

  /** The position of the message with {@code seq} in the same epoch. */
  public Position withSeq(long seq) {
    return new Position(epoch, seq);
  }

  @Override
  public String toString() {
    return epoch + ":" + seq;
  }
}
