package io.parley.server.postgres;

import io.parley.protocol.backoff.BackoffPolicy;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Objects;

/**
 * Reports a failed database operation once, at WARNING, and schedules its next attempt after the
 * backoff: the one way the PostgreSQL integration retries. Thread-safe; the retry runs on a Vert.x
 * event loop.
 */
final class Retries {
  private static final System.Logger LOG = System.getLogger(Retries.class.getName());

  private final Vertx vertx;
  private final BackoffPolicy backoff;

  Retries(Vertx vertx, BackoffPolicy backoff) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.backoff = Objects.requireNonNull(backoff, "backoff");
  }

  /**
   * Logs that {@code what} failed at {@code attempt} (1-based) and runs {@code retry} after the
   * backoff's delay for that attempt.
   */
  void after(String what, int attempt, Throwable failure, Runnable retry) {
    Duration wait = backoff.delay(attempt);
    LOG.log(
        System.Logger.Level.WARNING,
        what
            + " failed (attempt "
            + attempt
            + "), retrying in "
            + wait.toMillis()
            + " ms: "
            + failure);
    vertx.setTimer(Math.max(1, wait.toMillis()), id -> retry.run());
  }
}
