package io.parley.client.internal;

import io.parley.client.ClientListener;
import io.parley.client.Gap;
import io.parley.client.HandlerFailed;
import io.parley.client.Message;
import io.parley.client.ReconnectScheduled;
import io.parley.client.ServerChanged;
import io.parley.client.StatusChanged;
import io.parley.client.SubscriptionRejectedException;
import io.parley.client.TransportChanged;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Hands events, messages and stage completions to the {@link Dispatcher}, isolating each user call:
 * a handler or listener that throws is reported once (to {@link ClientListener#onHandlerFailed}, or
 * logged when no listener is registered) and delivery goes on. Thread-safe.
 */
final class Delivery {
  private static final Logger LOG = System.getLogger("io.parley.client");

  private final Dispatcher dispatcher;
  private final List<ClientListener> listeners = new CopyOnWriteArrayList<>();

  Delivery(Dispatcher dispatcher) {
    this.dispatcher = dispatcher;
  }

  void addListener(ClientListener listener) {
    listeners.add(listener);
  }

  void removeListener(ClientListener listener) {
    listeners.remove(listener);
  }

  /** Calls waiting on the dispatcher. */
  int depth() {
    return dispatcher.depth();
  }

  void statusChanged(StatusChanged event) {
    toListeners(listener -> listener.onStatusChanged(event));
  }

  void transportChanged(TransportChanged event) {
    toListeners(listener -> listener.onTransportChanged(event));
  }

  void serverChanged(ServerChanged event) {
    toListeners(listener -> listener.onServerChanged(event));
  }

  void reconnectScheduled(ReconnectScheduled event) {
    toListeners(listener -> listener.onReconnectScheduled(event));
  }

  void message(RealSubscription subscription, Message message) {
    dispatcher.dispatch(
        () -> {
          if (!subscription.isActive()) {
            return;
          }
          try {
            subscription.handler().onMessage(message);
          } catch (RuntimeException | Error e) {
            rethrowFatal(e);
            handlerFailed(subscription.channel(), e);
          }
          subscription.handled(message.position());
        });
  }

  void gap(RealSubscription subscription, Gap gap) {
    dispatcher.dispatch(
        () -> {
          if (!subscription.isActive()) {
            return;
          }
          try {
            subscription.handler().onGap(gap);
          } catch (RuntimeException | Error e) {
            rethrowFatal(e);
            handlerFailed(subscription.channel(), e);
          }
          subscription.handled(gap.to());
        });
  }

  /** The subscription's last call; made although it is already inactive. */
  void rejected(RealSubscription subscription, SubscriptionRejectedException rejection) {
    dispatcher.dispatch(
        () -> {
          try {
            subscription.handler().onRejected(rejection);
          } catch (RuntimeException | Error e) {
            rethrowFatal(e);
            handlerFailed(subscription.channel(), e);
          }
        });
  }

  <T> void complete(CompletableFuture<T> future, T value) {
    dispatcher.dispatch(() -> future.complete(value));
  }

  void fail(CompletableFuture<?> future, Throwable failure) {
    dispatcher.dispatch(() -> future.completeExceptionally(failure));
  }

  /** Queues the final call: after {@code last} runs, nothing else does. */
  void finish(Runnable last) {
    dispatcher.dispatch(
        () -> {
          dispatcher.terminate();
          last.run();
        });
  }

  private void toListeners(Consumer<ClientListener> call) {
    if (listeners.isEmpty()) {
      return;
    }
    dispatcher.dispatch(
        () -> {
          for (ClientListener listener : listeners) {
            try {
              call.accept(listener);
            } catch (RuntimeException | Error e) {
              rethrowFatal(e);
              handlerFailed(null, e);
            }
          }
        });
  }

  /** Reports a failed user call; runs on the dispatcher. */
  private void handlerFailed(String channel, Throwable error) {
    if (listeners.isEmpty()) {
      LOG.log(
          Level.WARNING,
          channel == null ? "a listener threw" : "the handler of channel " + channel + " threw",
          error);
      return;
    }
    HandlerFailed event = new HandlerFailed(channel, error);
    for (ClientListener listener : listeners) {
      try {
        listener.onHandlerFailed(event);
      } catch (RuntimeException | Error e) {
        rethrowFatal(e);
        LOG.log(Level.WARNING, "onHandlerFailed threw while reporting " + error, e);
      }
    }
  }

  private static void rethrowFatal(Throwable e) {
    if (e instanceof VirtualMachineError fatal) {
      throw fatal;
    }
  }
}
