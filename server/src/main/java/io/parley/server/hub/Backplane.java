package io.parley.server.hub;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.protocol.Position;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * Where channel sequences, history and publish idempotency live, and how published messages reach
 * every node's {@link Hub}. The in-memory implementation serves one node; a Redis one serves a
 * cluster. Implementations are thread-safe and never block the caller: slow work completes the
 * returned stage later.
 *
 * <p>Ordering contract: for each channel, {@link Listener#onMessage} is called in {@code seq}
 * order, and only after the message is visible to {@link #replay}.
 */
public interface Backplane {

  /** Receives every message appended to any channel, on this node or another. */
  @FunctionalInterface
  interface Listener {
    /** Called in seq order per channel; must not block. */
    void onMessage(ChannelMessage message);
  }

  /** Registers the one listener (the hub); call before any append. */
  void listen(Listener listener);

  /**
   * Appends a message unless {@code (clientId, publishId)} was already appended within the
   * idempotency window, in which case the original message's position is returned and nothing is
   * delivered again.
   *
   * @param ts the wall-clock publish time, epoch milliseconds
   */
  CompletionStage<Appended> append(
      String channel, String clientId, String publishId, String event, JsonNode data, long ts);

  /**
   * Reads what a reader at {@code since} missed, at most {@code limit} messages.
   *
   * @param since the reader's position, or {@code null} to start live at the current position
   */
  CompletionStage<Replay> replay(String channel, Position since, int limit);

  /**
   * Drops state nobody needs: aged history, expired idempotency keys, and channels whose history is
   * empty and which {@code inUse} does not claim. Called periodically by the hub.
   */
  void expire(Predicate<String> inUse);

  /**
   * What is held of {@code channel}: its position, history and recent publish count; a stage
   * completed with {@code null} when the backplane holds nothing of it.
   */
  CompletionStage<Held> held(String channel);

  /**
   * What is held of the channels whose names start with {@code prefix}, in name order, at most
   * {@code limit}.
   */
  CompletionStage<List<Held>> held(String prefix, int limit);

  /**
   * What the backplane holds of one channel, for operators. Immutable.
   *
   * @param channel the channel
   * @param position its current position (the last message's)
   * @param historyMessages messages held in its history
   * @param lastMinute messages published in the last minute that are still in history (capped by
   *     the history's size and age)
   */
  record Held(String channel, Position position, int historyMessages, int lastMinute) {}

  /**
   * Whether an append can succeed now. The node's readiness ({@code /q/health/ready}) is DOWN while
   * it is false. The in-memory backplane always can; a networked one answers from its connection
   * state. Cheap and non-blocking.
   */
  default boolean writable() {
    return true;
  }

  /**
   * The result of an append.
   *
   * @param position the message's position (the original one for a duplicate)
   * @param duplicate whether this was a retry of an earlier publish
   */
  record Appended(String channel, Position position, boolean duplicate) {}
}
