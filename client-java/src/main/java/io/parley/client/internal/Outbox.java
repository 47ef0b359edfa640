package io.parley.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.client.Ack;
import io.parley.protocol.time.Scheduler.Cancellable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Publishes waiting for acknowledgment, in publish order. Bounded: {@link #reserve()} (any thread)
 * takes one of {@code capacity} slots or fails at once, never blocks and never evicts; the slot is
 * freed when the entry is removed. Everything else runs on the event loop only.
 */
final class Outbox {
  private final int capacity;
  private final AtomicInteger used = new AtomicInteger();
  private final Map<String, Entry> entries = new LinkedHashMap<>();

  Outbox(int capacity) {
    this.capacity = capacity;
  }

  int capacity() {
    return capacity;
  }

  /** Takes a slot for one more publish; false when all {@code capacity} slots are taken. */
  boolean reserve() {
    while (true) {
      int now = used.get();
      if (now >= capacity) {
        return false;
      }
      if (used.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  /** Gives back a slot taken by {@link #reserve()} for a publish that was never added. */
  void release() {
    used.decrementAndGet();
  }

  /** Publishes reserved and not yet acknowledged or failed. Any thread. */
  int depth() {
    return used.get();
  }

  void add(Entry entry) {
    entries.put(entry.id, entry);
  }

  Entry get(String id) {
    return entries.get(id);
  }

  /** Removes and returns the entry, freeing its slot; {@code null} when there is none. */
  Entry remove(String id) {
    Entry entry = entries.remove(id);
    if (entry != null) {
      used.decrementAndGet();
    }
    return entry;
  }

  /** The entries in publish order (a copy). */
  List<Entry> entries() {
    return new ArrayList<>(entries.values());
  }

  /** Removes and returns every entry, freeing their slots. */
  List<Entry> drain() {
    List<Entry> all = entries();
    entries.clear();
    used.addAndGet(-all.size());
    return all;
  }

  /** One publish; its {@link #result} completes exactly once, through the {@link Delivery}. */
  static final class Entry {
    final String id;
    final String channel;
    final String event;
    final JsonNode data;
    final CompletableFuture<Ack> result = new CompletableFuture<>();

    /** Times sent. Loop only. */
    int sends;

    /** A pending resend after a retryable error, or {@code null}. Loop only. */
    Cancellable retry;

    Entry(String id, String channel, String event, JsonNode data) {
      this.id = id;
      this.channel = channel;
      this.event = event;
      this.data = data;
    }
  }
}
