package io.parley.server.hub;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One wire encoding of a {@link ChannelMessage} (native frame, Socket.IO packet, poll payload),
 * computed at most once per message and shared by every subscriber. Create one per transport as a
 * constant. Thread-safe.
 *
 * @param <T> the encoded form, usually {@code String}
 */
public final class Encoding<T> {
  /** How many encodings may exist in one process; each takes a slot in every message. */
  static final int MAX_ENCODINGS = 8;

  private static final AtomicInteger NEXT_SLOT = new AtomicInteger();

  private final int slot;
  private final String name;
  private final Function<ChannelMessage, T> encoder;

  private Encoding(String name, Function<ChannelMessage, T> encoder) {
    this.name = Objects.requireNonNull(name, "name");
    this.encoder = Objects.requireNonNull(encoder, "encoder");
    this.slot = NEXT_SLOT.getAndIncrement();
    if (slot >= MAX_ENCODINGS) {
      throw new IllegalStateException(
          "more than " + MAX_ENCODINGS + " encodings; define them as constants");
    }
  }

  /** Declares an encoding; call once per transport, from a static initializer. */
  public static <T> Encoding<T> of(String name, Function<ChannelMessage, T> encoder) {
    return new Encoding<>(name, encoder);
  }

  int slot() {
    return slot;
  }

  T encode(ChannelMessage message) {
    return encoder.apply(message);
  }

  @Override
  public String toString() {
    return "Encoding[" + name + "]";
  }
}
