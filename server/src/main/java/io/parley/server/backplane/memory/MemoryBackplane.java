package io.parley.server.backplane.memory;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.protocol.Position;
import io.parley.protocol.time.Ticker;
import io.parley.server.hub.Backplane;
import io.parley.server.hub.ChannelMessage;
import io.parley.server.hub.Replay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The single-node backplane: sequences, history and idempotency keys in this JVM's heap. Every
 * stage it returns is already complete. A channel gets a fresh random epoch whenever its state is
 * created, so a restarted node (or a channel dropped after its history aged out) is seen by readers
 * as an epoch change and reported as a gap. Thread-safe: each channel's state is guarded by its own
 * monitor; the idempotency index by its own.
 */
public final class MemoryBackplane implements Backplane {
  private final ConcurrentHashMap<String, ChannelHistory> channels = new ConcurrentHashMap<>();
  private final IdempotencyIndex idempotency;
  private final Ticker ticker;
  private final Supplier<String> epochs;
  private final int historySize;
  private final long historyMaxAgeNanos;
  private volatile Listener listener = message -> {};

  /**
   * @param historySize messages kept per channel
   * @param historyMaxAge how long a message stays in history
   * @param idempotencyWindow how long a publish id is remembered
   * @param idempotencyMaxEntries how many publish ids are remembered at most; the oldest go first
   * @param ticker the monotonic clock for ages
   * @param epochs makes a new, unique epoch id
   */
  public MemoryBackplane(
      int historySize,
      Duration historyMaxAge,
      Duration idempotencyWindow,
      int idempotencyMaxEntries,
      Ticker ticker,
      Supplier<String> epochs) {
    if (historySize < 0) {
      throw new IllegalArgumentException("historySize must be >= 0 but was " + historySize);
    }
    this.historySize = historySize;
    this.historyMaxAgeNanos = historyMaxAge.toNanos();
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.epochs = Objects.requireNonNull(epochs, "epochs");
    this.idempotency =
        new IdempotencyIndex(idempotencyWindow.toNanos(), idempotencyMaxEntries, ticker);
  }

  @Override
  public void listen(Listener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  @Override
  public CompletionStage<Appended> append(
      String channel, String clientId, String publishId, String event, JsonNode data, long ts) {
    String key = clientId + '\u0000' + publishId;
    while (true) {
      ChannelHistory history = channels.computeIfAbsent(channel, this::newHistory);
      synchronized (history) {
        if (channels.get(channel) != history) {
          continue; // dropped by expire() between lookup and lock; use the new one
        }
        Appended earlier = idempotency.find(key);
        if (earlier != null) {
          return CompletableFuture.completedFuture(
              new Appended(earlier.channel(), earlier.position(), true));
        }
        ChannelMessage message = history.append(event, data, ts, ticker.nanoTime());
        idempotency.remember(key, new Appended(channel, message.position(), false));
        // Under the channel's monitor, so listeners see each channel in seq order.
        listener.onMessage(message);
        return CompletableFuture.completedFuture(new Appended(channel, message.position(), false));
      }
    }
  }

  @Override
  public CompletionStage<Replay> replay(String channel, Position since, int limit) {
    ChannelHistory history = channels.computeIfAbsent(channel, this::newHistory);
    synchronized (history) {
      return CompletableFuture.completedFuture(history.replay(since, limit, ticker.nanoTime()));
    }
  }

  @Override
  public void expire(Predicate<String> inUse) {
    long now = ticker.nanoTime();
    idempotency.expire();
    for (Map.Entry<String, ChannelHistory> entry : channels.entrySet()) {
      ChannelHistory history = entry.getValue();
      synchronized (history) {
        history.evictOlderThan(now);
        if (history.isEmpty() && !inUse.test(entry.getKey())) {
          channels.remove(entry.getKey(), history);
        }
      }
    }
  }

  @Override
  public CompletionStage<Held> held(String channel) {
    ChannelHistory history = channels.get(channel);
    return CompletableFuture.completedFuture(history == null ? null : held(history));
  }

  @Override
  public CompletionStage<List<Held>> held(String prefix, int limit) {
    TreeMap<String, ChannelHistory> named = new TreeMap<>();
    for (Map.Entry<String, ChannelHistory> entry : channels.entrySet()) {
      if (entry.getKey().startsWith(prefix)) {
        named.put(entry.getKey(), entry.getValue());
        if (named.size() > limit) {
          named.pollLastEntry();
        }
      }
    }
    List<Held> held = new ArrayList<>(named.size());
    for (ChannelHistory history : named.values()) {
      held.add(held(history));
    }
    return CompletableFuture.completedFuture(held);
  }

  private Held held(ChannelHistory history) {
    long now = ticker.nanoTime();
    synchronized (history) {
      history.evictOlderThan(now);
      return new Held(
          history.channel(),
          history.position(),
          history.size(),
          history.appendedSince(now - TimeUnit.MINUTES.toNanos(1)));
    }
  }

  /** How many channels have state, for metrics and tests. */
  public int channelCount() {
    return channels.size();
  }

  private ChannelHistory newHistory(String channel) {
    return new ChannelHistory(channel, epochs.get(), historySize, historyMaxAgeNanos);
  }

  /** Publish ids seen within the window, oldest first. Guarded by its own monitor. */
  private static final class IdempotencyIndex {
    private final long windowNanos;
    private final int maxEntries;
    private final Ticker ticker;
    private final LinkedHashMap<String, Remembered> entries = new LinkedHashMap<>();

    private record Remembered(Appended appended, long atNanos) {}

    IdempotencyIndex(long windowNanos, int maxEntries, Ticker ticker) {
      this.windowNanos = windowNanos;
      this.maxEntries = maxEntries;
      this.ticker = ticker;
    }

    synchronized Appended find(String key) {
      Remembered remembered = entries.get(key);
      if (remembered == null || ticker.nanoTime() - remembered.atNanos() > windowNanos) {
        return null;
      }
      return remembered.appended();
    }

    synchronized void remember(String key, Appended appended) {
      entries.put(key, new Remembered(appended, ticker.nanoTime()));
      // Bounded: past the limit the oldest ids are forgotten early (a very late retry of one of
      // them would be applied again); the limit is sized so this needs a publish storm.
      while (entries.size() > maxEntries) {
        Iterator<String> oldest = entries.keySet().iterator();
        oldest.next();
        oldest.remove();
      }
    }

    synchronized void expire() {
      long now = ticker.nanoTime();
      for (Iterator<Remembered> it = entries.values().iterator(); it.hasNext(); ) {
        if (now - it.next().atNanos() > windowNanos) {
          it.remove();
        } else {
          break; // insertion order is time order
        }
      }
    }
  }
}
