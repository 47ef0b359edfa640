package io.parley.client.internal;

import io.parley.client.MessageHandler;
import io.parley.client.Subscription;
import io.parley.protocol.Position;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The one production {@link Subscription}. Thread-safe: {@link #active} and {@link #handled} are
 * shared; the fields marked "loop only" belong to the supervisor's event loop.
 */
final class RealSubscription implements Subscription {
  private final String channel;
  private final MessageHandler handler;
  private final Function<RealSubscription, CompletionStage<Void>> unsubscriber;
  private final AtomicBoolean active = new AtomicBoolean(true);
  private volatile Position handled;

  /** Where the subscription stands in its channel. Loop only. */
  final ChannelCursor cursor;

  /** Retryable subscribe errors in a row. Loop only. */
  int retries;

  RealSubscription(
      String channel,
      Position since,
      MessageHandler handler,
      Function<RealSubscription, CompletionStage<Void>> unsubscriber) {
    this.channel = Objects.requireNonNull(channel, "channel");
    this.handler = Objects.requireNonNull(handler, "handler");
    this.unsubscriber = unsubscriber;
    this.cursor = new ChannelCursor(since);
    this.handled = since;
  }

  @Override
  public String channel() {
    return channel;
  }

  @Override
  public Optional<Position> position() {
    return Optional.ofNullable(handled);
  }

  @Override
  public boolean isActive() {
    return active.get();
  }

  @Override
  public CompletionStage<Void> unsubscribe() {
    if (!active.compareAndSet(true, false)) {
      return CompletableFuture.completedStage(null);
    }
    return unsubscriber.apply(this);
  }

  MessageHandler handler() {
    return handler;
  }

  /** Ends the subscription without a request to the server; returns whether it was active. */
  boolean deactivate() {
    return active.getAndSet(false);
  }

  /** Records that the handler call for {@code position} returned. Dispatcher only. */
  void handled(Position position) {
    this.handled = position;
  }

  @Override
  public String toString() {
    return "Subscription[" + channel + " at " + handled + (isActive() ? "" : ", inactive") + "]";
  }
}
