package io.parley.server.eventlog;

import io.parley.protocol.Transport;
import io.parley.server.config.RealtimeConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The node's recent events, newest {@code realtime.admin.event-log.size} kept in a ring: older ones
 * are overwritten and reported as {@code lost} to a reader that asks for them. Thread-safe: {@link
 * #append} takes one short lock (an array store, no I/O, no allocation beyond the entry) and may be
 * called on an event loop; listeners then run on the appending thread, outside the lock.
 */
@Singleton
public class EventLog {
  /** A reader's page: the newest id, how many asked-for entries were overwritten, and entries. */
  public record Page(long last, long lost, List<LoggedEvent> events) {
    public Page {
      events = List.copyOf(events);
    }
  }

  private final LoggedEvent[] ring;
  private final Clock clock;
  private final List<Consumer<LoggedEvent>> listeners = new CopyOnWriteArrayList<>();

  /** The id of the newest entry, 0 before the first; guarded by {@code this}. */
  private long last;

  @Inject
  public EventLog(RealtimeConfig config) {
    this(config.admin().eventLog().size(), Clock.systemUTC());
  }

  /**
   * A log keeping the newest {@code size} entries, stamped by {@code clock}.
   *
   * @throws IllegalArgumentException when {@code size} is below 1
   */
  public EventLog(int size, Clock clock) {
    if (size < 1) {
      throw new IllegalArgumentException(
          "realtime.admin.event-log.size must be at least 1 but was " + size);
    }
    this.ring = new LoggedEvent[size];
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** How many entries the ring holds at most. */
  public int size() {
    return ring.length;
  }

  /**
   * Records an event now and hands it to the listeners on this thread. Never blocks.
   *
   * @return the entry, with its id
   */
  public LoggedEvent append(
      LoggedEvent.Kind kind,
      String user,
      String session,
      Transport transport,
      String reason,
      String detail) {
    LoggedEvent event;
    synchronized (this) {
      // Stamped under the lock, so ids and instants never disagree on order.
      event =
          new LoggedEvent(
              last + 1, clock.instant(), kind, user, session, transport, reason, detail);
      ring[(int) (last % ring.length)] = event;
      last = event.id();
    }
    for (Consumer<LoggedEvent> listener : listeners) {
      listener.accept(event);
    }
    return event;
  }

  /**
   * Registers {@code listener} for every entry appended from now on. It runs on the appending
   * thread (often an event loop), once per entry, and must only enqueue; one that throws fails the
   * append's caller, so it must not.
   */
  public void listen(Consumer<LoggedEvent> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Stops calling {@code listener}. */
  public void unlisten(Consumer<LoggedEvent> listener) {
    listeners.remove(listener);
  }

  /** The id of the newest entry, 0 when there is none. */
  public synchronized long last() {
    return last;
  }

  /**
   * The entries after id {@code after}, oldest first, at most {@code limit}. {@code lost} counts
   * the entries after {@code after} the ring no longer holds; an {@code after} beyond the newest id
   * (a reader from before the node restarted) gets no entries and {@code lost} 0, and can tell from
   * {@code last} that it should start again from 0.
   *
   * @throws IllegalArgumentException when {@code after} is negative or {@code limit} below 1
   */
  public Page read(long after, int limit) {
    if (after < 0) {
      throw new IllegalArgumentException("after must be 0 or more but was " + after);
    }
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1 but was " + limit);
    }
    synchronized (this) {
      long oldest = Math.max(1, last - ring.length + 1);
      long from = Math.max(after + 1, oldest);
      long lost = last == 0 || after >= last ? 0 : Math.max(0, oldest - 1 - after);
      long to = Math.min(last, from + limit - 1);
      List<LoggedEvent> events = new ArrayList<>((int) Math.max(0, to - from + 1));
      for (long id = from; id <= to; id++) {
        events.add(ring[(int) ((id - 1) % ring.length)]);
      }
      return new Page(last, lost, events);
    }
  }
}
