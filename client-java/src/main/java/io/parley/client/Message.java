package io.parley.client;

import io.parley.protocol.Position;
import java.util.Objects;

/**
 * One immutable, thread-safe message of a channel, as delivered to a {@link MessageHandler}.
 *
 * @param channel the channel it was published to
 * @param epoch the channel's epoch; see {@link Position}
 * @param seq its sequence number in the channel, 1 or more
 * @param event the publisher's event name
 * @param dataJson the payload as JSON text: an object, array, string, number, boolean or {@code
 *     null}; parse it with the JSON library of your choice
 * @param ts when the server accepted it, in milliseconds since the epoch; 0 when unknown
 */
public record Message(
    String channel, String epoch, long seq, String event, String dataJson, long ts) {
  public Message {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(epoch, "epoch");
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(dataJson, "dataJson");
  }

  /** This message's position: store it to resume later with {@code subscribe(channel, since)}. */
  public Position position() {
    return new Position(epoch, seq);
  }

  /** Whether the payload is JSON {@code null}. */
  public boolean isDataNull() {
    return "null".equals(dataJson);
  }
}
