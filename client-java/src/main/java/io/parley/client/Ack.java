package io.parley.client;

import java.util.Objects;

/**
 * The server's acknowledgment of a publish, immutable and thread-safe: the message was stored once
 * and got {@code seq}. A retried publish (same idempotency id) is acknowledged with the original
 * {@code seq}.
 *
 * @param channel the channel published to
 * @param id the publish's idempotency id
 * @param seq the message's sequence number in the channel
 * @param epoch the channel's epoch at that seq
 */
public record Ack(String channel, String id, long seq, String epoch) {
  public Ack {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(id, "id");
  }
}
