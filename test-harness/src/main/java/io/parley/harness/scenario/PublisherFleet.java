package io.parley.harness.scenario;

import io.parley.client.Ack;
import io.parley.client.ParleyClient;
import io.parley.client.ParleyPublisher;
import io.parley.client.PublishRejectedException;
import io.parley.client.TokenSupplier;
import io.parley.protocol.Position;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Thread-safe: the scenario's publishers. Each publishes at its rate to the channels in turn, each
 * message carrying a unique publish id ({@code pid}) in its data, and records every acknowledgment.
 * HTTP publishers retry a failed publish with the same id, every {@link #RETRY_DELAY}, until it is
 * acknowledged or {@link #close()}; client publishers leave retries to the client's outbox.
 */
final class PublisherFleet implements AutoCloseable {

  static final Duration RETRY_DELAY = Duration.ofMillis(250);

  private final String runId;
  private final List<String> channels;
  private final Signal signal;
  private final ScheduledExecutorService executor;
  private final List<Runnable> closers = new ArrayList<>();
  private final List<ScheduledFuture<?>> ticks = new ArrayList<>();
  private final ConcurrentLinkedQueue<Pending> all = new ConcurrentLinkedQueue<>();
  private final AtomicLong counter = new AtomicLong();
  private final Map<String, Position> latest = new ConcurrentHashMap<>();
  private final Map<String, Integer> refusals = new ConcurrentHashMap<>();
  private volatile boolean retrying = true;

  /** One publish's state; guarded by itself. */
  private static final class Pending {
    final String pid;
    final String channel;
    final String data;
    final List<Position> acks = new ArrayList<>();
    boolean done;
    String error;

    Pending(String pid, String channel, String data) {
      this.pid = pid;
      this.channel = channel;
      this.data = data;
    }
  }

  PublisherFleet(String runId, List<String> channels, Signal signal) {
    this.runId = runId;
    this.channels = channels;
    this.signal = signal;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "parley-scenario-publisher");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Starts one publisher.
   *
   * @param urlFor the base URL for the publisher's route
   * @param httpToken the token of a {@link Scenario.Kind#HTTP} publisher (publisher role)
   * @param client for {@link Scenario.Kind#CLIENT}, a connected (or connecting) client of its own,
   *     closed with the fleet; null otherwise
   */
  synchronized void start(
      Scenario.PublisherSpec spec,
      int index,
      Function<Scenario.Route, String> urlFor,
      TokenSupplier httpToken,
      ParleyClient client) {
    String pad = "x".repeat(spec.payloadBytes());
    long periodNanos = (long) (1_000_000_000L / spec.ratePerSecond());
    Runnable tick;
    if (spec.kind() == Scenario.Kind.HTTP) {
      ParleyPublisher publisher =
          ParleyPublisher.builder()
              .serverUrl(urlFor.apply(spec.route()))
              .tokenSupplier(httpToken)
              .clientId(runId + "-publisher-" + index)
              .requestTimeout(Duration.ofSeconds(5))
              .build();
      closers.add(publisher::close);
      tick = () -> send(publisher, next(index, pad));
    } else {
      closers.add(() -> client.close());
      tick = () -> send(client, next(index, pad));
    }
    ticks.add(executor.scheduleAtFixedRate(tick, 0, periodNanos, TimeUnit.NANOSECONDS));
  }

  private Pending next(int index, String pad) {
    long n = counter.getAndIncrement();
    String channel = channels.get((int) (n % channels.size()));
    String pid = runId + "-" + index + "-" + n;
    String data = "{\"pid\":\"" + pid + "\",\"n\":" + n + ",\"pad\":\"" + pad + "\"}";
    Pending pending = new Pending(pid, channel, data);
    all.add(pending);
    return pending;
  }

  private void send(ParleyPublisher publisher, Pending pending) {
    publisher
        .publish(pending.channel, "tick", pending.data, pending.pid)
        .whenComplete(
            (ack, failure) -> {
              if (failure == null) {
                acked(pending, ack);
                return;
              }
              Throwable cause =
                  failure instanceof CompletionException ? failure.getCause() : failure;
              boolean retryable =
                  !(cause instanceof PublishRejectedException rejected) || rejected.retryable();
              refusals.merge(reason(cause), 1, Integer::sum);
              synchronized (pending) {
                pending.error = String.valueOf(cause);
                if (!retryable || !retrying) {
                  pending.done = true;
                }
              }
              if (retryable && retrying && !executor.isShutdown()) {
                executor.schedule(
                    () -> send(publisher, pending), RETRY_DELAY.toMillis(), TimeUnit.MILLISECONDS);
              } else {
                signal.changed();
              }
            });
  }

  /** The server's error code, else its HTTP status, else the exception's type. */
  private static String reason(Throwable cause) {
    if (cause instanceof PublishRejectedException rejected) {
      return rejected.code() != null ? rejected.code().name() : "HTTP " + rejected.httpStatus();
    }
    return cause.getClass().getSimpleName();
  }

  private void send(ParleyClient client, Pending pending) {
    client
        .publish(pending.channel, "tick", pending.data)
        .whenComplete(
            (ack, failure) -> {
              if (failure == null) {
                acked(pending, ack);
              } else {
                synchronized (pending) {
                  pending.error = String.valueOf(failure);
                  pending.done = true;
                }
                signal.changed();
              }
            });
  }

  private void acked(Pending pending, Ack ack) {
    Position position = new Position(ack.epoch(), ack.seq());
    synchronized (pending) {
      pending.acks.add(position);
      pending.done = true;
    }
    latest.merge(
        pending.channel,
        position,
        (old, now) -> !old.epoch().equals(now.epoch()) || now.seq() > old.seq() ? now : old);
    signal.changed();
  }

  /** Stops publishing new messages; retries of earlier ones go on. */
  synchronized void stopPublishing() {
    ticks.forEach(tick -> tick.cancel(false));
  }

  /** Whether every publish is acknowledged or given up. */
  boolean settled() {
    for (Pending pending : all) {
      synchronized (pending) {
        if (!pending.done) {
          return false;
        }
      }
    }
    return true;
  }

  /** The publishes so far, with their acknowledgments. */
  List<InvariantChecker.Publish> publishes() {
    List<InvariantChecker.Publish> result = new ArrayList<>();
    for (Pending pending : all) {
      synchronized (pending) {
        // A client publish is completed with a different id by the client; the data's pid is ours.
        result.add(new InvariantChecker.Publish(pending.pid, pending.channel, pending.acks));
      }
    }
    return result;
  }

  /**
   * Failed attempts of the HTTP publishers so far, by reason: the server's error code, or the
   * exception's type when there was no answer. A client publisher's outbox retries unseen.
   */
  Map<String, Integer> refusals() {
    return Map.copyOf(refusals);
  }

  /**
   * The highest position acknowledged per channel in the epoch acknowledged last: what every
   * subscriber must reach before the run settles.
   */
  Map<String, Position> lastAcked() {
    return Map.copyOf(latest);
  }

  /** Stops publishing and retrying and closes the publishers and publishing clients. */
  @Override
  public synchronized void close() {
    retrying = false;
    stopPublishing();
    executor.shutdownNow();
    closers.forEach(Runnable::run);
  }
}
