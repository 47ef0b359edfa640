package io.parley.server.postgres;

import io.parley.protocol.backoff.BackoffPolicy;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One dedicated PostgreSQL connection that {@code LISTEN}s on a fixed set of channels, reconnecting
 * with backoff whenever it is lost or cannot be made. Each loss and each recovery is logged once.
 * Thread-safe: configure with {@link #on} before {@link #start()}; handlers run on the connection's
 * event loop and must not block.
 */
final class NotificationListener {
  private static final System.Logger LOG = System.getLogger(NotificationListener.class.getName());

  private final Vertx vertx;
  private final PgConnectOptions options;
  private final BackoffPolicy backoff;
  private final Retries retries;
  private final Map<String, Channel> channels = new LinkedHashMap<>();
  private volatile PgSubscriber subscriber;
  private volatile boolean stopped;

  /** What to do with one PostgreSQL channel's notifications, and after each (re)subscription. */
  private record Channel(Consumer<String> onPayload, Runnable onListening) {}

  NotificationListener(Vertx vertx, PgConnectOptions options, BackoffPolicy backoff) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.options = Objects.requireNonNull(options, "options");
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    this.retries = new Retries(vertx, backoff);
  }

  /**
   * Listens on {@code pgChannel} (its exact name, case and dots included).
   *
   * @param onPayload called with each notification's payload
   * @param onListening called each time the {@code LISTEN} is in place, at start and after every
   *     reconnection: notifications sent in between were missed
   */
  synchronized NotificationListener on(
      String pgChannel, Consumer<String> onPayload, Runnable onListening) {
    if (subscriber != null) {
      throw new IllegalStateException("channels are set before start()");
    }
    channels.put(pgChannel, new Channel(onPayload, onListening));
    return this;
  }

  /** Connects in the background; returns at once. Failures are retried, never thrown. */
  synchronized void start() {
    PgSubscriber made = PgSubscriber.subscriber(vertx, options);
    for (Map.Entry<String, Channel> entry : channels.entrySet()) {
      Channel channel = entry.getValue();
      made.channel(entry.getKey())
          .handler(payload -> channel.onPayload().accept(payload))
          .subscribeHandler(ignored -> channel.onListening().run());
    }
    // Retries is 0 for the first reconnection after a loss.
    made.reconnectPolicy(
        retries -> {
          if (stopped) {
            return -1L;
          }
          Duration wait = backoff.delay(retries + 1);
          LOG.log(
              System.Logger.Level.WARNING,
              "PostgreSQL listening connection lost; reconnecting in "
                  + wait.toMillis()
                  + " ms (attempt "
                  + (retries + 1)
                  + ")");
          return Math.max(1, wait.toMillis());
        });
    made.closeHandler(
        ignored -> {
          if (!stopped) {
            // The reconnect policy gave up or the connection closed for good: start over.
            connect(1);
          }
        });
    subscriber = made;
    connect(1);
  }

  private void connect(int attempt) {
    if (stopped) {
      return;
    }
    subscriber
        .connect()
        .onSuccess(
            ignored -> {
              if (attempt > 1) {
                LOG.log(
                    System.Logger.Level.INFO,
                    "PostgreSQL listening connection made after " + attempt + " attempts");
              }
            })
        .onFailure(
            failure ->
                retries.after(
                    "the PostgreSQL listening connection",
                    attempt,
                    failure,
                    () -> connect(attempt + 1)));
  }

  /** Closes the connection; no reconnection follows. */
  void stop() {
    stopped = true;
    PgSubscriber current = subscriber;
    if (current != null) {
      current.close();
    }
  }
}
