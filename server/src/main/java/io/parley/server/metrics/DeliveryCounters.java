package io.parley.server.metrics;

import io.netty.util.concurrent.FastThreadLocal;
import io.parley.server.auth.ProbeCredential;
import io.parley.server.config.RealtimeConfig;
import io.parley.server.events.TransportKind;
import io.parley.server.hub.ChannelMessage;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongConsumer;

/**
 * Counts messages handed to connections, by transport, without a shared counter on the fan-out
 * path: each thread that fans out (an event loop, a worker) counts into a slot of its own with a
 * plain ordered store, and a scrape sums the slots. Also samples the publish-to-hand-off latency,
 * once per message per thread rather than per delivery. Thread-safe; {@link #delivered} never
 * blocks and allocates nothing after a thread's first call.
 */
@Singleton
public class DeliveryCounters {
  private static final int TRANSPORTS = TransportKind.values().length;

  private final boolean enabled;
  private final List<Slot> slots = new CopyOnWriteArrayList<>();
  private final FastThreadLocal<Slot> slot =
      new FastThreadLocal<>() {
        @Override
        protected Slot initialValue() {
          Slot made = new Slot();
          slots.add(made);
          return made;
        }
      };

  /** Where sampled latencies go, in milliseconds; set when the meters are bound. */
  private volatile LongConsumer latency = millis -> {};

  @Inject
  public DeliveryCounters(RealtimeConfig config) {
    this(config.metrics().enabled());
  }

  DeliveryCounters(boolean enabled) {
    this.enabled = enabled;
  }

  /** Whether Parley's metrics are on ({@code realtime.metrics.enabled}). */
  public boolean enabled() {
    return enabled;
  }

  /**
   * Counts one message handed to a connection on {@code transport}. The caller's thread, typically
   * the publisher's event loop, under a channel lock: it only stores into this thread's slot.
   */
  public void delivered(TransportKind transport, ChannelMessage message) {
    if (!enabled || ProbeCredential.isProbeChannel(message.channel())) {
      return; // self-test traffic is measured by the self-tests, not here
    }
    Slot mine = slot.get();
    int index = transport.ordinal();
    // One writer per slot: an ordered store of the incremented value, no read-modify-write race.
    mine.counts.lazySet(index, mine.counts.get(index) + 1);
    if (mine.lastTimed != message) {
      mine.lastTimed = message;
      latency.accept(Math.max(0, System.currentTimeMillis() - message.ts()));
    }
  }

  /** Counts the messages answered to an HTTP poll, self-test traffic left out; any thread. */
  public void polled(List<ChannelMessage> messages) {
    if (!enabled || messages.isEmpty()) {
      return;
    }
    int count = 0;
    for (ChannelMessage message : messages) {
      if (!ProbeCredential.isProbeChannel(message.channel())) {
        count++;
      }
    }
    Slot mine = slot.get();
    int index = TransportKind.HTTP.ordinal();
    mine.counts.lazySet(index, mine.counts.get(index) + count);
  }

  /** Messages handed to connections on {@code transport} since startup; at scrape time. */
  public long deliveries(TransportKind transport) {
    long sum = 0;
    for (Slot each : slots) {
      sum += each.counts.get(transport.ordinal());
    }
    return sum;
  }

  void latency(LongConsumer sink) {
    this.latency = sink;
  }

  /** One thread's counts: written by that thread only, read by scrapes. */
  private static final class Slot {
    final AtomicLongArray counts = new AtomicLongArray(TRANSPORTS);

    /** The last message whose latency this thread sampled; owner thread only. */
    ChannelMessage lastTimed;
  }
}
