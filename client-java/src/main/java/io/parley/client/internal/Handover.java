package io.parley.client.internal;

import io.parley.protocol.Transport;
import io.parley.protocol.time.Scheduler.Cancellable;
import java.time.Duration;
import java.util.List;

/**
 * Not thread-safe, used on the supervisor's {@link EventLoop} only (its timers run the supervisor's
 * steps there): which candidate connection to open beside the current one, and when. An upward
 * probe every {@code probeInterval} while on a fallback transport tries the transports above the
 * current one, best first; a migration when the server asks the client to reconnect tries the whole
 * round order.
 *
 * <p>It walks a candidate order one transport at a time; the supervisor opens each, and asks for
 * the {@link #nextCandidate()} when one fails. A probe that walked out is scheduled again; a
 * migration that walked out keeps the current connection.
 */
final class Handover {
  private final EventLoop loop;
  private final TransportLadder ladder;
  private final Duration probeInterval;

  private List<Transport> order = List.of();
  private int index;
  private boolean probing;
  private Cancellable probeTimer;
  private Cancellable migrationTimer;

  Handover(EventLoop loop, TransportLadder ladder, Duration probeInterval) {
    this.loop = loop;
    this.ladder = ladder;
    this.probeInterval = probeInterval;
  }

  /** Runs {@code probe} after the probe interval, unless a probe is already scheduled. */
  void scheduleProbe(Runnable probe) {
    if (probeTimer != null) {
      return;
    }
    probeTimer =
        loop.schedule(
            probeInterval,
            () -> {
              probeTimer = null;
              probe.run();
            });
  }

  /**
   * Starts walking the transports above {@code current}, best first.
   *
   * @return false, and starts nothing, when {@code current} is the best
   */
  boolean startProbe(Transport current) {
    List<Transport> better = ladder.above(current);
    if (better.isEmpty()) {
      return false;
    }
    probing = true;
    walk(better);
    return true;
  }

  /** Whether a migration the server asked for is waiting for its moment. */
  boolean migrationScheduled() {
    return migrationTimer != null;
  }

  /** Runs {@code migrate} after {@code delay}; the caller checks {@link #migrationScheduled()}. */
  void scheduleMigration(Duration delay, Runnable migrate) {
    migrationTimer =
        loop.schedule(
            delay,
            () -> {
              migrationTimer = null;
              migrate.run();
            });
  }

  /** Starts walking the whole round order for a migration, replacing any probe. */
  void startMigration() {
    cancelProbe();
    probing = false;
    walk(ladder.roundOrder());
  }

  /** The next transport to open as candidate, or {@code null} when the walk is over. */
  Transport nextCandidate() {
    return index < order.size() ? order.get(index++) : null;
  }

  /** Whether the walk is an upward probe (and is scheduled again when it ends without a switch). */
  boolean isProbing() {
    return probing;
  }

  /** The candidate became the current connection. */
  void switched() {
    probing = false;
  }

  /** Forgets the walk; a scheduled probe or migration stays. */
  void abandon() {
    order = List.of();
    index = 0;
  }

  /** Cancels the scheduled probe and migration: the connection they were for is gone. */
  void stop() {
    cancelProbe();
    if (migrationTimer != null) {
      migrationTimer.cancel();
      migrationTimer = null;
    }
  }

  private void cancelProbe() {
    if (probeTimer != null) {
      probeTimer.cancel();
      probeTimer = null;
    }
  }

  private void walk(List<Transport> transports) {
    order = transports;
    index = 0;
  }
}
