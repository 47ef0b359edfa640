package io.parley.server.backplane.redis;

import io.parley.protocol.Position;
import io.parley.server.hub.Backplane;
import io.parley.server.hub.ChannelMessage;
import io.parley.server.hub.Replay;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * Hands the messages that reach this node over Redis pub/sub to the listener in seq order per
 * channel, with none missing: a message whose seq skips ahead of the last one delivered (pub/sub
 * lost some while its connection was down) starts a catch-up that reads the skipped ones from the
 * history Redis kept, and later messages wait in a buffer until it is done. Not thread-safe: every
 * method runs on the backplane's one Vert.x context, and so does every completion it waits for.
 *
 * <p>What it knows per channel comes from the messages it delivered, or, before the first one, from
 * the replays the hub read ({@link #prime}): a subscriber goes live at a replay's position, so the
 * lowest such position is the point from which nothing may be missed.
 */
final class ChannelSequencer {
  private static final System.Logger LOG = System.getLogger(ChannelSequencer.class.getName());

  /** Reads what a reader at a position missed, completing on the backplane's context. */
  @FunctionalInterface
  interface Fetcher {
    CompletionStage<Replay> fetch(String channel, Position since);
  }

  /** Schedules a retry of a failed catch-up on the backplane's context. */
  @FunctionalInterface
  interface Retry {
    void later(Runnable action);
  }

  private final Map<String, State> states = new HashMap<>();
  private final Fetcher fetcher;
  private final Retry retry;
  private final int maxBuffered;
  private Backplane.Listener listener = message -> {};

  private static final class State {
    final String channel;
    String epoch;
    long lastSeq;

    /** Whether a message was delivered; until then a lower replay position may lower lastSeq. */
    boolean delivered;

    /** Messages waiting for a catch-up to end, or {@code null} when none runs. */
    ArrayDeque<ChannelMessage> buffered;

    /** Whether a catch-up read is in flight (it may wait for a reconnect instead). */
    boolean fetching;

    /** Counts catch-up reads, so that the answer of an abandoned one is ignored. */
    int reads;

    State(String channel, String epoch, long lastSeq) {
      this.channel = channel;
      this.epoch = epoch;
      this.lastSeq = lastSeq;
    }
  }

  /**
   * @param maxBuffered messages of one channel held while its catch-up runs; past it the catch-up
   *     is abandoned and the buffer delivered as it is (logged as a loss)
   */
  ChannelSequencer(Fetcher fetcher, Retry retry, int maxBuffered) {
    this.fetcher = fetcher;
    this.retry = retry;
    this.maxBuffered = maxBuffered;
  }

  void listen(Backplane.Listener listener) {
    this.listener = listener;
  }

  /** A reader went live on {@code channel} at {@code position}. */
  void prime(String channel, Position position) {
    State state = states.get(channel);
    if (state == null) {
      states.put(channel, new State(channel, position.epoch(), position.seq()));
    } else if (!state.delivered
        && state.buffered == null
        && state.epoch.equals(position.epoch())
        && position.seq() < state.lastSeq) {
      state.lastSeq = position.seq();
    }
  }

  /** A message came over pub/sub. */
  void receive(ChannelMessage message) {
    State state = states.get(message.channel());
    if (state == null) {
      state = new State(message.channel(), message.epoch(), message.seq() - 1);
      states.put(message.channel(), state);
    }
    if (state.buffered != null) {
      buffer(state, message);
      return;
    }
    accept(state, message);
  }

  /** After a reconnect: catches every known channel up on what pub/sub may have lost meanwhile. */
  void resumeAll() {
    for (State state : states.values()) {
      if (state.buffered == null) {
        state.buffered = new ArrayDeque<>();
      }
      if (!state.fetching) {
        catchUp(state);
      }
    }
  }

  /** Forgets the channels {@code inUse} does not claim and that no catch-up holds. */
  void retain(Predicate<String> inUse) {
    for (Iterator<State> it = states.values().iterator(); it.hasNext(); ) {
      State state = it.next();
      if (state.buffered == null && !inUse.test(state.channel)) {
        it.remove();
      }
    }
  }

  /** Channels it knows, for tests. */
  int channelCount() {
    return states.size();
  }

  private void accept(State state, ChannelMessage message) {
    if (message.epoch().equals(state.epoch)) {
      if (message.seq() <= state.lastSeq) {
        return; // already delivered, or before every local reader's position
      }
      if (message.seq() > state.lastSeq + 1) {
        state.buffered = new ArrayDeque<>();
        state.buffered.add(message);
        catchUp(state);
        return;
      }
    }
    // The next seq, or a new epoch (Redis lost the channel): delivered as it is.
    state.epoch = message.epoch();
    state.lastSeq = message.seq();
    state.delivered = true;
    listener.onMessage(message);
  }

  private void buffer(State state, ChannelMessage message) {
    state.buffered.add(message);
    if (state.buffered.size() > maxBuffered) {
      LOG.log(
          System.Logger.Level.ERROR,
          "catch-up of channel "
              + state.channel
              + " did not end before "
              + maxBuffered
              + " messages waited; delivering them after "
              + state.epoch
              + ":"
              + state.lastSeq
              + " with what is missing before them lost to this node's subscribers");
      ChannelMessage first = state.buffered.peek();
      if (first.epoch().equals(state.epoch)) {
        state.lastSeq = first.seq() - 1;
      }
      state.fetching = false;
      drain(state);
    }
  }

  private void catchUp(State state) {
    state.fetching = true;
    int read = ++state.reads;
    Position since = new Position(state.epoch, state.lastSeq);
    fetcher
        .fetch(state.channel, since)
        .whenComplete(
            (replay, failure) -> {
              if (read != state.reads || state.buffered == null) {
                return; // abandoned meanwhile
              }
              state.fetching = false;
              if (failure != null) {
                LOG.log(
                    System.Logger.Level.WARNING,
                    "catch-up of channel "
                        + state.channel
                        + " from "
                        + since
                        + " failed, retrying: "
                        + failure);
                retry.later(
                    () -> {
                      if (state.buffered != null && !state.fetching) {
                        catchUp(state);
                      }
                    });
                return;
              }
              if (replay.gap() != null) {
                LOG.log(
                    System.Logger.Level.WARNING,
                    "channel "
                        + state.channel
                        + ": Redis no longer holds "
                        + replay.gap().from()
                        + " to "
                        + replay.gap().to()
                        + "; this node's subscribers miss them");
              }
              for (ChannelMessage message : replay.messages()) {
                if (!message.epoch().equals(state.epoch) || message.seq() > state.lastSeq) {
                  state.epoch = message.epoch();
                  state.lastSeq = message.seq();
                  state.delivered = true;
                  listener.onMessage(message);
                }
              }
              drain(state);
            });
  }

  /** Ends a catch-up: delivers the buffer in order (which may start another catch-up). */
  private void drain(State state) {
    ArrayDeque<ChannelMessage> waiting = state.buffered;
    state.buffered = null;
    while (!waiting.isEmpty()) {
      if (state.buffered != null) {
        state.buffered.addAll(waiting);
        return;
      }
      accept(state, waiting.poll());
    }
  }
}
