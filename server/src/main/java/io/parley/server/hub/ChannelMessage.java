package io.parley.server.hub;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.protocol.Position;
import io.parley.protocol.ServerFrame;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One message published to a channel, with its position. The same instance goes to every subscriber
 * on this node, so each {@link Encoding} of it is computed once however many subscribers there are.
 * Immutable apart from that cache; thread-safe.
 */
public final class ChannelMessage {
  private final ServerFrame.Message frame;
  private final AtomicReferenceArray<Object> encodings =
      new AtomicReferenceArray<>(Encoding.MAX_ENCODINGS);

  public ChannelMessage(
      String channel, String epoch, long seq, String event, JsonNode data, long ts) {
    this.frame = new ServerFrame.Message(channel, epoch, seq, event, data, ts);
  }

  /** The message as a native frame. */
  public ServerFrame.Message frame() {
    return frame;
  }

  public String channel() {
    return frame.channel();
  }

  public String epoch() {
    return frame.epoch();
  }

  public long seq() {
    return frame.seq();
  }

  /** The message's position: its epoch and seq. */
  public Position position() {
    return frame.position();
  }

  /** Wall-clock publish time, epoch milliseconds. */
  public long ts() {
    return frame.ts();
  }

  /** This message in {@code encoding}, computed on first use and then shared. */
  @SuppressWarnings("unchecked")
  public <T> T encoded(Encoding<T> encoding) {
    Objects.requireNonNull(encoding, "encoding");
    Object value = encodings.get(encoding.slot());
    if (value == null) {
      value = encoding.encode(this);
      // Two threads may both encode; either result is equal, keep the first.
      if (!encodings.compareAndSet(encoding.slot(), null, value)) {
        value = encodings.get(encoding.slot());
      }
    }
    return (T) value;
  }

  @Override
  public String toString() {
    return "ChannelMessage[" + frame.channel() + "@" + frame.position() + "]";
  }
}
