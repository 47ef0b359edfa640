package io.parley.server.livefeed;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One open dashboard's outbound lines: a bounded queue of event lines, a slot for the newest stats
 * line, and one write in flight at a time. When the queue is full the oldest event line is dropped
 * and counted; the count goes out as a {@code lost} line before the next line written. A stats line
 * replaces one not yet written (only the newest matters). The next line is written when the last
 * write completed, so a dashboard that does not read stops being written to, keeps at most {@code
 * capacity} event lines, and never holds up the publisher.
 *
 * <p>Thread-safe: {@link #offerEvent} and {@link #offerStats} may be called from any thread, often
 * an event loop, and never block; the state is guarded by {@code this}, held only for queue
 * operations, never while writing.
 */
final class Dashboard {
  private final String id;
  private final int capacity;
  private final Function<String, CompletionStage<?>> writer;
  private final ArrayDeque<String> events = new ArrayDeque<>();

  /** Serialises {@link #pump}: the thread that raises it from 0 writes; the others leave work. */
  private final AtomicInteger pumping = new AtomicInteger();

  private String stats; // guarded by this
  private long lost; // guarded by this
  private boolean writing; // guarded by this
  private boolean closed; // guarded by this

  /**
   * @param id the connection's id
   * @param capacity event lines kept waiting at most, at least 1
   * @param writer writes one text message; its stage completes when the message was handed to the
   *     network (or failed)
   */
  Dashboard(String id, int capacity, Function<String, CompletionStage<?>> writer) {
    if (capacity < 1) {
      throw new IllegalArgumentException(
          "realtime.admin.live.queue must be at least 1 but was " + capacity);
    }
    this.id = Objects.requireNonNull(id, "id");
    this.capacity = capacity;
    this.writer = Objects.requireNonNull(writer, "writer");
  }

  String id() {
    return id;
  }

  /** Queues an event line, dropping the oldest one when the queue is full. Never blocks. */
  void offerEvent(String line) {
    synchronized (this) {
      if (closed) {
        return;
      }
      if (events.size() == capacity) {
        events.pollFirst();
        lost++;
      }
      events.addLast(line);
    }
    pump();
  }

  /** Sets the stats line to write next, replacing one not yet written. Never blocks. */
  void offerStats(String line) {
    synchronized (this) {
      if (closed) {
        return;
      }
      stats = line;
    }
    pump();
  }

  /** Drops whatever waits; later offers are ignored. */
  synchronized void close() {
    closed = true;
    events.clear();
    stats = null;
  }

  /** Event lines waiting, for tests and the docs' claims. */
  synchronized int waiting() {
    return events.size();
  }

  /**
   * Starts the next write if none is in flight. A write that completes at once (the usual case on
   * the connection's own event loop) re-enters here; the counter turns that into another turn of
   * the loop instead of a deeper stack.
   */
  private void pump() {
    if (pumping.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      String line;
      synchronized (this) {
        line = writing || closed ? null : next();
        if (line != null) {
          writing = true;
        }
      }
      if (line != null) {
        writer.apply(line).whenComplete((ignored, failure) -> written(failure));
      }
      missed = pumping.addAndGet(-missed);
    } while (missed != 0);
  }

  private void written(Throwable failure) {
    synchronized (this) {
      writing = false;
      if (failure != null) {
        // The connection is closing; its close callback removes this dashboard.
        closed = true;
        events.clear();
        stats = null;
      }
    }
    pump();
  }

  /** The next line: a lost notice, then the newest stats, then the oldest event. Under the lock. */
  private String next() {
    if (lost > 0) {
      String notice = "{\"type\":\"lost\",\"count\":" + lost + "}";
      lost = 0;
      return notice;
    }
    if (stats != null) {
      String line = stats;
      stats = null;
      return line;
    }
    return events.pollFirst();
  }
}
