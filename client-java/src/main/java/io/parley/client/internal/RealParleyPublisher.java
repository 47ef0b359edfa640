package io.parley.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.client.Ack;
import io.parley.client.ClientClosedException;
import io.parley.client.ConnectionException;
import io.parley.client.ParleyException;
import io.parley.client.ParleyPublisher;
import io.parley.client.TokenSupplier;
import io.parley.client.internal.transport.Endpoints;
import io.parley.client.internal.transport.PublishEndpoint;
import io.parley.client.internal.transport.PublishOutcome;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Limits;
import io.parley.protocol.codec.FrameCodec;
import io.parley.protocol.time.Scheduler;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one production {@link ParleyPublisher}, thread-safe: one {@link HttpClient} on an executor it
 * owns, so stages complete on {@code parley-publisher-*} threads. Retries (see {@link
 * ParleyPublisher}) are sent from the scheduler's thread; the token supplier is asked for a fresh
 * token on an HTTP client thread.
 */
public final class RealParleyPublisher implements ParleyPublisher {
  private static final AtomicInteger PUBLISHERS = new AtomicInteger();

  private final TokenSupplier tokenSupplier;
  private final String clientId;
  private final ExecutorService threads;
  private final ScheduledExecutorService timer;
  private final Scheduler scheduler;

  /** One per server URL, in the publisher's order. */
  private final List<PublishEndpoint> endpoints;

  /** The index in {@link #endpoints} publishes go to; moves on a network failure. */
  private final AtomicInteger node = new AtomicInteger();

  private final PublishRetries retries;
  private final Set<CompletableFuture<Ack>> inFlight = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * A publisher for {@code serverUrls} (at least one, in the order it tries them); {@code clientId}
   * may be {@code null}, and so may {@code scheduler}, for a timer thread owned by the publisher.
   */
  public RealParleyPublisher(
      List<URI> serverUrls,
      TokenSupplier tokenSupplier,
      String clientId,
      Duration requestTimeout,
      PublishRetries retries,
      Scheduler scheduler) {
    if (serverUrls.isEmpty()) {
      throw new IllegalArgumentException("serverUrls must name at least one URL");
    }
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    this.tokenSupplier = Objects.requireNonNull(tokenSupplier, "tokenSupplier");
    this.clientId = clientId;
    this.retries = Objects.requireNonNull(retries, "retries");
    String name = "parley-publisher-" + PUBLISHERS.incrementAndGet();
    this.threads = Executors.newCachedThreadPool(new DaemonThreads(name));
    if (scheduler == null) {
      this.timer = Executors.newSingleThreadScheduledExecutor(new DaemonThreads(name + "-timer"));
      this.scheduler = Scheduler.of(timer);
    } else {
      this.timer = null;
      this.scheduler = scheduler;
    }
    HttpClient http =
        HttpClient.newBuilder()
            .executor(threads)
            .connectTimeout(requestTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    FrameCodec codec = FrameCodec.create();
    this.endpoints =
        serverUrls.stream()
            .map(
                url ->
                    new PublishEndpoint(http, new Endpoints(url).publish(), requestTimeout, codec))
            .toList();
  }

  @Override
  public CompletionStage<Ack> publish(String channel, String event, String dataJson) {
    return publish(channel, event, dataJson, UUID.randomUUID().toString());
  }

  @Override
  public CompletionStage<Ack> publish(String channel, String event, String dataJson, String id) {
    RealParleyClient.checkChannel(channel);
    RealParleyClient.checkEvent(event);
    JsonNode data = RealParleyClient.parseJson(dataJson);
    Objects.requireNonNull(id, "id");
    if (id.isEmpty() || id.length() > Limits.MAX_ID_LENGTH) {
      throw new IllegalArgumentException(
          "id must have 1 to " + Limits.MAX_ID_LENGTH + " characters but had " + id.length());
    }
    if (closed.get()) {
      return CompletableFuture.failedStage(new ClientClosedException());
    }
    CompletableFuture<Ack> result = new CompletableFuture<>();
    inFlight.add(result);
    result.whenComplete((ack, failure) -> inFlight.remove(result));
    new Call(result, id, channel, event, data).send(1, tokenSupplier.token(), false);
    if (closed.get()) {
      result.completeExceptionally(new ClientClosedException());
    }
    return result.minimalCompletionStage();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (CompletableFuture<Ack> call : inFlight) {
      call.completeExceptionally(new ClientClosedException());
    }
    threads.shutdown();
    if (timer != null) {
      timer.shutdownNow();
    }
  }

  /** One publish and its attempts; {@code result} is completed once, by whoever comes first. */
  private final class Call {
    private final CompletableFuture<Ack> result;
    private final String id;
    private final String channel;
    private final String event;
    private final JsonNode data;

    Call(CompletableFuture<Ack> result, String id, String channel, String event, JsonNode data) {
      this.result = result;
      this.id = id;
      this.channel = channel;
      this.event = event;
      this.data = data;
    }

    /**
     * Sends attempt {@code attempt} (1-based) with {@code token}.
     *
     * @param renewed whether the token was already renewed for this publish
     */
    void send(int attempt, String token, boolean renewed) {
      if (result.isDone()) {
        return;
      }
      int at = node.get();
      endpoints
          .get(at)
          .send(token, id, clientId, channel, event, data)
          .thenAccept(outcome -> settle(outcome, at, attempt, token, renewed));
    }

    /**
     * @param at the index of the node that gave {@code outcome}
     */
    private void settle(
        PublishOutcome outcome, int at, int attempt, String token, boolean renewed) {
      if (outcome instanceof PublishOutcome.Failed failed
          && failed.cause() instanceof ConnectionException
          && endpoints.size() > 1
          && attempt < retries.maxAttempts()) {
        // No answer from that node: the next one, at once. Concurrent publishes that saw the same
        // node fail move the publisher once.
        node.compareAndSet(at, (at + 1) % endpoints.size());
        send(attempt + 1, token, renewed);
        return;
      }
      if (outcome instanceof PublishOutcome.Refused refused && attempt < retries.maxAttempts()) {
        if (!renewed && refused.problem().effectiveCode() == ErrorCode.TOKEN_EXPIRED) {
          String fresh;
          try {
            fresh = tokenSupplier.token();
          } catch (RuntimeException e) {
            finish(outcome, e);
            return;
          }
          if (fresh != null && !fresh.equals(token)) {
            send(attempt + 1, fresh, true);
            return;
          }
        }
        Duration delay = retries.delay(refused);
        if (delay != null) {
          scheduler.schedule(delay, () -> send(attempt + 1, token, renewed));
          return;
        }
      }
      finish(outcome, null);
    }

    /** Completes with {@code outcome} as the public publisher reports it. */
    private void finish(PublishOutcome outcome, RuntimeException supplierFailure) {
      try {
        result.complete(outcome.ack(channel, id));
      } catch (ParleyException e) {
        if (supplierFailure != null) {
          e.addSuppressed(supplierFailure);
        }
        result.completeExceptionally(e);
      }
    }
  }
}
