package io.parley.server.transport.engineio;

import io.vertx.core.Vertx;
import java.util.ArrayList;

/**
 * The heartbeat clock of the Engine.IO sessions of one endpoint on one event loop: one periodic
 * timer that asks each session whether a ping is due or a pong overdue, instead of two timers per
 * session per ping cycle (setting and cancelling a Vert.x timer costs a handler, a map entry and a
 * Netty scheduled task each time). Loop-confined: every method runs on the event loop it belongs
 * to, as do its members.
 *
 * <p>The sweep runs every {@link #periodMillis} (a fifth of the ping interval, at most a second),
 * so a ping goes out up to one period after it is due and a missing pong is noticed up to one
 * period late. The timer runs only while the loop has sessions.
 */
final class HeartbeatSweep {
  /** A session on the sweep; it keeps its own place in the sweep's list. */
  interface Member {
    /** Sends a ping that is due, or ends the session when its pong is overdue. */
    void heartbeat(long nowNanos);

    /** This member's index in the sweep, or -1 when it is not on it. */
    int sweepIndex();

    void sweepIndex(int index);
  }

  private final Vertx vertx;
  private final long periodMillis;
  private final ArrayList<Member> members = new ArrayList<>();
  private long timer = -1;

  HeartbeatSweep(Vertx vertx, EngineSettings settings) {
    this.vertx = vertx;
    this.periodMillis = periodMillis(settings);
  }

  /** A fifth of the ping interval, between 10 ms and one second. */
  static long periodMillis(EngineSettings settings) {
    return Math.max(10, Math.min(1_000, settings.pingInterval().toMillis() / 5));
  }

  /** Puts {@code member} on the sweep, starting the timer if it is the first. */
  void add(Member member) {
    if (member.sweepIndex() >= 0) {
      return;
    }
    member.sweepIndex(members.size());
    members.add(member);
    if (timer < 0) {
      timer = vertx.setPeriodic(periodMillis, id -> sweep(System.nanoTime()));
    }
  }

  /** Takes {@code member} off the sweep, in constant time; stops the timer after the last one. */
  void remove(Member member) {
    int index = member.sweepIndex();
    if (index < 0) {
      return;
    }
    Member last = members.remove(members.size() - 1);
    if (last != member) {
      members.set(index, last);
      last.sweepIndex(index);
    }
    member.sweepIndex(-1);
    if (members.isEmpty() && timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  int size() {
    return members.size();
  }

  /**
   * Gives every member its heartbeat. Backwards, so that a member that leaves during its own turn
   * (a timeout) swaps in one that has already had its turn.
   */
  void sweep(long nowNanos) {
    for (int i = members.size() - 1; i >= 0; i--) {
      if (i < members.size()) {
        members.get(i).heartbeat(nowNanos);
      }
    }
  }
}
