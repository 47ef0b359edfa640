package io.parley.client.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.parley.client.Ack;
import io.parley.client.ClientClosedException;
import io.parley.client.ClientListener;
import io.parley.client.ClientMetrics;
import io.parley.client.ClientOptions;
import io.parley.client.MessageHandler;
import io.parley.client.OutboxFullException;
import io.parley.client.ParleyClient;
import io.parley.client.Subscription;
import io.parley.client.internal.transport.RealTransportSet;
import io.parley.client.internal.transport.TransportSet;
import io.parley.protocol.ChannelName;
import io.parley.protocol.ConnectionStatus;
import io.parley.protocol.Limits;
import io.parley.protocol.Position;
import io.parley.protocol.Transport;
import io.parley.protocol.codec.FrameCodec;
import io.parley.protocol.time.Scheduler;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one production {@link ParleyClient}, thread-safe: it validates calls, hands them to the
 * {@link ConnectionSupervisor}'s event loop and owns the client's threads.
 */
public final class RealParleyClient implements ParleyClient {
  private static final AtomicInteger CLIENTS = new AtomicInteger();
  private static final ObjectReader JSON =
      FrameCodec.create().mapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final ClientOptions options;
  private final ScheduledThreadPoolExecutor ownedScheduler;
  private final EventLoop loop;
  private final Dispatcher dispatcher;
  private final Delivery delivery;
  private final TransportSet transports;
  private final ClientStats stats;
  private final Outbox outbox;
  private final ConnectionSupervisor supervisor;
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();

  private RealParleyClient(ClientOptions options, TransportSet transports) {
    this.options = Objects.requireNonNull(options, "options");
    int number = CLIENTS.incrementAndGet();
    Scheduler scheduler = options.scheduler();
    if (scheduler == null) {
      ownedScheduler =
          new ScheduledThreadPoolExecutor(1, new DaemonThreads("parley-supervisor-" + number));
      ownedScheduler.setRemoveOnCancelPolicy(true);
      ownedScheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
      scheduler = Scheduler.of(ownedScheduler);
    } else {
      ownedScheduler = null;
    }
    this.loop = new EventLoop(scheduler);
    this.dispatcher = new Dispatcher(options.listenerExecutor(), "parley-dispatcher-" + number);
    this.delivery = new Delivery(dispatcher);
    this.transports =
        transports != null
            ? transports
            : new RealTransportSet(options, scheduler, "parley-" + number);
    this.stats = new ClientStats(scheduler.ticker(), options.clock());
    this.outbox = new Outbox(options.outboxCapacity());
    this.supervisor =
        new ConnectionSupervisor(
            options, loop, scheduler.ticker(), this.transports, delivery, stats, outbox);
  }

  /** A client on the real transports. */
  public static ParleyClient create(ClientOptions options) {
    return new RealParleyClient(options, null);
  }

  /** A client on the given transports; for tests. */
  public static RealParleyClient create(ClientOptions options, TransportSet transports) {
    return new RealParleyClient(options, Objects.requireNonNull(transports, "transports"));
  }

  @Override
  public ClientOptions options() {
    return options;
  }

  @Override
  public CompletionStage<Void> connect() {
    if (closing.get()) {
      return CompletableFuture.failedStage(new ClientClosedException());
    }
    CompletableFuture<Void> result = new CompletableFuture<>();
    if (!loop.execute(() -> supervisor.start(result))) {
      result.completeExceptionally(new ClientClosedException());
    }
    return result.minimalCompletionStage();
  }

  @Override
  public CompletionStage<Void> close() {
    if (!closing.compareAndSet(false, true)) {
      return closed.minimalCompletionStage();
    }
    boolean queued =
        loop.execute(
            () -> {
              supervisor.close();
              loop.stop();
              transports.close();
              if (ownedScheduler != null) {
                ownedScheduler.shutdown();
              }
              delivery.finish(() -> closed.complete(null));
              dispatcher.shutdown();
            });
    if (!queued) {
      closed.complete(null);
    }
    return closed.minimalCompletionStage();
  }

  @Override
  public Subscription subscribe(String channel, MessageHandler handler) {
    return subscribe(channel, null, handler);
  }

  @Override
  public Subscription subscribe(String channel, Position since, MessageHandler handler) {
    checkChannel(channel);
    Objects.requireNonNull(handler, "handler");
    if (closing.get()) {
      throw new IllegalStateException("the client is closed");
    }
    if (supervisor.status() == ConnectionStatus.FAILED) {
      throw new IllegalStateException("the client has failed; build a new one");
    }
    RealSubscription subscription =
        new RealSubscription(channel, since, handler, this::unsubscribe);
    if (!supervisor.claim(subscription)) {
      throw new IllegalStateException(
          "already subscribed to " + channel + "; unsubscribe that subscription first");
    }
    if (!loop.execute(() -> supervisor.subscribe(subscription))) {
      subscription.deactivate();
      supervisor.release(subscription);
      throw new IllegalStateException("the client is closed");
    }
    return subscription;
  }

  private CompletionStage<Void> unsubscribe(RealSubscription subscription) {
    supervisor.release(subscription);
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!loop.execute(() -> supervisor.unsubscribe(subscription, done))) {
      done.complete(null);
    }
    return done.minimalCompletionStage();
  }

  @Override
  public CompletionStage<Ack> publish(String channel, String event, String dataJson) {
    checkChannel(channel);
    checkEvent(event);
    JsonNode data = parseJson(dataJson);
    if (closing.get()) {
      return CompletableFuture.failedStage(new ClientClosedException());
    }
    if (!outbox.reserve()) {
      return CompletableFuture.failedStage(new OutboxFullException(outbox.capacity()));
    }
    Outbox.Entry entry = new Outbox.Entry(UUID.randomUUID().toString(), channel, event, data);
    if (!loop.execute(() -> supervisor.publish(entry))) {
      outbox.release();
      return CompletableFuture.failedStage(new ClientClosedException());
    }
    return entry.result.minimalCompletionStage();
  }

  @Override
  public ConnectionStatus status() {
    return supervisor.status();
  }

  @Override
  public Optional<Transport> transport() {
    return Optional.ofNullable(supervisor.transport());
  }

  @Override
  public Optional<URI> server() {
    return Optional.ofNullable(supervisor.server());
  }

  @Override
  public void addListener(ClientListener listener) {
    delivery.addListener(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public void removeListener(ClientListener listener) {
    delivery.removeListener(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public ClientMetrics metrics() {
    return stats.snapshot(outbox.depth());
  }

  /** Supervisor tasks that threw; 0 unless the client has a bug. For tests. */
  int uncaughtFailures() {
    return loop.uncaughtFailures();
  }

  /** The dispatcher; for tests. */
  Dispatcher dispatcher() {
    return dispatcher;
  }

  static void checkChannel(String channel) {
    Objects.requireNonNull(channel, "channel");
    ChannelName.problem(channel)
        .ifPresent(
            problem -> {
              throw new IllegalArgumentException(
                  "channel must be " + ChannelName.rule() + " but '" + channel + "' " + problem);
            });
  }

  static void checkEvent(String event) {
    Objects.requireNonNull(event, "event");
    if (event.isEmpty() || event.length() > Limits.MAX_EVENT_LENGTH) {
      throw new IllegalArgumentException(
          "event must have 1 to "
              + Limits.MAX_EVENT_LENGTH
              + " characters but had "
              + event.length());
    }
  }

  static JsonNode parseJson(String dataJson) {
    Objects.requireNonNull(dataJson, "dataJson");
    try {
      JsonNode node = JSON.readTree(dataJson);
      if (node == null || node.isMissingNode()) {
        throw new IllegalArgumentException("dataJson must be one JSON value but was empty");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "dataJson must be valid JSON: " + e.getOriginalMessage(), e);
    }
  }
}
