package io.parley.server.transport;

import io.vertx.core.Vertx;
import java.util.Arrays;

/**
 * The heartbeat deadlines of the connections of one endpoint on one event loop, each met within a
 * few milliseconds, for the cost of one Vert.x timer per loop. Loop-confined: every method runs on
 * the event loop it belongs to, as do its members' callbacks.
 *
 * <p>Members sit in a binary heap ordered by their next deadline (a ping due, a pong overdue); one
 * timer is armed for the earliest (whole milliseconds, rounded down). When it fires, every member
 * whose deadline falls within the next {@link #GRAIN_NANOS} gets its {@link Member#heartbeat} and
 * is put back at its new deadline, so deadlines a moment apart share one firing. A deadline is met
 * at most one grain early and only as late as the event loop itself runs late, whatever the
 * interval; a pong that moves a deadline later costs a sift of the heap, not a timer. Before this
 * clock, a sweep over all members every fifth of the interval was up to that fifth late (300 ms
 * interval: pings at 308 and 668 ms), and before the sweep two timers per connection per ping cycle
 * cost a Netty task each.
 */
public final class HeartbeatClock {
  /** Deadlines are met at most this early, so that close ones share a firing (2 ms). */
  public static final long GRAIN_NANOS = 2_000_000;

  /** A connection on the clock; it keeps its own place in the heap. */
  public interface Member {
    /**
     * When this member next needs its {@link #heartbeat}, on the {@link System#nanoTime} scale.
     * Changes only inside {@link #heartbeat} or before a {@link HeartbeatClock#reschedule}.
     */
    long heartbeatDueNanos();

    /**
     * The deadline has come (or is at most one grain away): send the ping that is due, or end the
     * connection whose pong is overdue. A member that is still on the clock afterwards must have
     * moved its deadline more than a grain past {@code nowNanos}; one that did not is taken off.
     */
    void heartbeat(long nowNanos);

    /** This member's index in the clock's heap, or -1 when it is not on it. */
    int clockIndex();

    void clockIndex(int index);
  }

  private final Vertx vertx;
  private Member[] heap = new Member[16];
  private int size;
  private long timer = -1;
  private long timerDueNanos;

  public HeartbeatClock(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Puts {@code member} on the clock at its current deadline; nothing if it is already on it. */
  public void add(Member member) {
    if (member.clockIndex() >= 0) {
      return;
    }
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    heap[size] = member;
    member.clockIndex(size);
    size++;
    siftUp(size - 1);
    arm(System.nanoTime());
  }

  /** Takes {@code member} off the clock; the timer stops after the last one. */
  public void remove(Member member) {
    int index = member.clockIndex();
    if (index < 0) {
      return;
    }
    removeAt(index);
    if (size == 0) {
      cancel();
    }
  }

  /** Puts {@code member} at its new deadline after it changed outside {@link Member#heartbeat}. */
  public void reschedule(Member member) {
    int index = member.clockIndex();
    if (index < 0) {
      return;
    }
    siftDown(siftUp(index));
    arm(System.nanoTime());
  }

  /** How many members are on the clock. */
  public int size() {
    return size;
  }

  /** Gives every member whose deadline is within a grain of {@code nowNanos} its heartbeat. */
  void fire(long nowNanos) {
    while (size > 0 && heap[0].heartbeatDueNanos() - nowNanos <= GRAIN_NANOS) {
      Member member = heap[0];
      member.heartbeat(nowNanos);
      int index = member.clockIndex();
      if (index < 0) {
        continue; // it ended and left
      }
      if (member.heartbeatDueNanos() - nowNanos <= GRAIN_NANOS) {
        removeAt(index); // it asked for nothing more: keeping it would spin
      } else {
        siftDown(siftUp(index));
      }
    }
    arm(nowNanos);
  }

  private void arm(long nowNanos) {
    if (size == 0) {
      cancel();
      return;
    }
    long due = heap[0].heartbeatDueNanos();
    if (timer >= 0 && timerDueNanos - due <= 0) {
      return; // the armed timer comes in time; it re-arms for whatever is first then
    }
    cancel();
    long delayMillis = Math.max(1, (due - nowNanos) / 1_000_000);
    timerDueNanos = nowNanos + delayMillis * 1_000_000;
    timer =
        vertx.setTimer(
            delayMillis,
            id -> {
              timer = -1;
              fire(System.nanoTime());
            });
  }

  private void cancel() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private void removeAt(int index) {
    Member member = heap[index];
    member.clockIndex(-1);
    size--;
    if (index != size) {
      Member last = heap[size];
      heap[index] = last;
      last.clockIndex(index);
      heap[size] = null;
      siftDown(siftUp(index));
    } else {
      heap[size] = null;
    }
  }

  private static boolean earlier(Member a, Member b) {
    return a.heartbeatDueNanos() - b.heartbeatDueNanos() < 0;
  }

  private int siftUp(int index) {
    Member member = heap[index];
    while (index > 0) {
      int parent = (index - 1) >>> 1;
      if (!earlier(member, heap[parent])) {
        break;
      }
      place(heap[parent], index);
      index = parent;
    }
    place(member, index);
    return index;
  }

  private void siftDown(int index) {
    Member member = heap[index];
    while (true) {
      int child = 2 * index + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && earlier(heap[child + 1], heap[child])) {
        child++;
      }
      if (!earlier(heap[child], member)) {
        break;
      }
      place(heap[child], index);
      index = child;
    }
    place(member, index);
  }

  private void place(Member member, int index) {
    heap[index] = member;
    member.clockIndex(index);
  }
}
