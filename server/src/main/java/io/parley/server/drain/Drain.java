package io.parley.server.drain;

import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.server.config.RealtimeConfig;
import io.parley.server.config.RunTimeRandom;
import io.parley.server.health.ReadinessGates;
import io.parley.server.hub.Hub;
import io.parley.server.hub.Refusal;
import io.parley.server.hub.Session;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Graceful drain of this node, on {@code POST /realtime/admin/drain} or at shutdown (SIGTERM): the
 * hub stops admitting sessions (every transport answers newcomers {@code 503} with {@code
 * Retry-After}), waiting long-polls are answered, every connected session gets a {@code reconnect}
 * hint with its own delay spread over {@code realtime.drain.spread}, and what is still open at the
 * deadline is closed with {@code SERVER_UNAVAILABLE}. Readiness reports DOWN from the first step:
 * see {@link #draining()}. Thread-safe; a drain starts once and cannot be undone.
 */
@Singleton
public class Drain {
  private static final System.Logger LOG = System.getLogger(Drain.class.getName());

  /** What the hint says and the closing refusal's reason. */
  static final String REASON = "this node is draining; reconnect to another node";

  /** How often the end of a drain is checked for (every session gone). */
  private static final long CHECK_MILLIS = 100;

  @Inject Hub hub;
  @Inject RealtimeConfig config;
  @Inject Vertx vertx;
  @Inject ReadinessGates readiness;

  private final CompletableFuture<Void> finished = new CompletableFuture<>();
  private volatile Started started;

  /**
   * What a drain does, as {@code POST /realtime/admin/drain} reports it. Immutable.
   *
   * @param startedAtMillis when it began, epoch millis
   * @param sessions sessions open when it began, each sent a hint
   * @param hinted hints queued (a full outbound queue drops one; the deadline closes that session)
   * @param spread the window the hints' delays fall in
   * @param deadline when, after the start, what is left is closed
   */
  public record Started(
      long startedAtMillis, int sessions, int hinted, Duration spread, Duration deadline) {}

  /** Whether this node is draining (or drained): readiness is DOWN while it is. Never blocks. */
  public boolean draining() {
    return started != null;
  }

  /** The drain under way, or {@code null} when none was started. */
  public Started started() {
    return started;
  }

  /** A stage completed once the drain is over: no session left, or the deadline passed. */
  public CompletableFuture<Void> finished() {
    return finished;
  }

  /**
   * Starts draining with {@code deadline}, or returns the drain already under way (whose deadline
   * stays). Never blocks: the hints are queued, the deadline is a timer.
   *
   * @param deadline how long until what is left is closed; {@code null} for {@code
   *     realtime.drain.deadline}
   */
  public synchronized Started start(Duration deadline) {
    if (started != null) {
      return started;
    }
    // Readiness first, so that a load balancer stops sending newcomers before they are refused.
    readiness.close("draining");
    Duration until = deadline != null ? deadline : config.drain().deadline();
    Duration retryAfter = config.limits().overloadRetryAfter();
    hub.stopAdmitting(
        new Refusal(
            ErrorCode.SERVER_UNAVAILABLE,
            REASON + "; retry after " + Refusal.wholeSeconds(retryAfter) + " s",
            null,
            retryAfter));
    // Hints must come due before the deadline closes the connection.
    Duration window =
        config.drain().spread().compareTo(until) < 0 ? config.drain().spread() : until;
    DrainSpread spread =
        new DrainSpread(
            config.drain().seed().orElseGet(() -> RunTimeRandom.generator().nextLong()), window);
    int sessions = 0;
    int hinted = 0;
    for (Session session : hub.sessions()) {
      sessions++;
      if (hub.hint(session, new ServerFrame.Reconnect(REASON, spread.delayMillis(session.id())))) {
        hinted++;
      }
    }
    hub.releaseWaiters();
    started = new Started(System.currentTimeMillis(), sessions, hinted, window, until);
    LOG.log(
        System.Logger.Level.INFO,
        "draining: "
            + sessions
            + " sessions hinted to reconnect within "
            + window.toMillis()
            + " ms; what is left is closed in "
            + until.toMillis()
            + " ms");
    vertx.setTimer(Math.max(1, until.toMillis()), id -> closeRemaining());
    vertx.setPeriodic(
        CHECK_MILLIS,
        id -> {
          if (finished.isDone()) {
            vertx.cancelTimer(id);
          } else if (hub.sessionCount() == 0) {
            vertx.cancelTimer(id);
            finished.complete(null);
          }
        });
    return started;
  }

  /** At the deadline: closes every session left, with {@code SERVER_UNAVAILABLE}. */
  private void closeRemaining() {
    int closed = 0;
    Refusal reason =
        new Refusal(
            ErrorCode.SERVER_UNAVAILABLE,
            "this node drained and closed the connection; reconnect to another node",
            null,
            config.limits().overloadRetryAfter());
    for (Session session : hub.sessions()) {
      if (hub.disconnect(session, reason)) {
        closed++;
      }
    }
    // Long-polls that slipped in before admission stopped.
    hub.releaseWaiters();
    LOG.log(System.Logger.Level.INFO, "drain deadline: closed " + closed + " sessions left");
    finished.complete(null);
  }

  /**
   * On shutdown (SIGTERM), before the HTTP server stops: drains, and waits for the drain to end (on
   * the shutdown thread, never an event loop), at most the deadline and a second.
   */
  void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
    Started drain = start(null);
    try {
      finished.get(drain.deadline().toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.log(System.Logger.Level.WARNING, "drain did not finish before shutdown: " + e);
    }
  }
}
