package io.parley.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.client.Ack;
import io.parley.client.ClientClosedException;
import io.parley.client.ParleyPublisher;
import io.parley.client.TokenSupplier;
import io.parley.client.internal.transport.Endpoints;
import io.parley.client.internal.transport.PublishEndpoint;
import io.parley.protocol.Limits;
import io.parley.protocol.codec.FrameCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one production {@link ParleyPublisher}, thread-safe: one {@link HttpClient} on an executor it
 * owns, so stages complete on {@code parley-publisher-*} threads.
 */
public final class RealParleyPublisher implements ParleyPublisher {
  private static final AtomicInteger PUBLISHERS = new AtomicInteger();

  private final TokenSupplier tokenSupplier;
  private final String clientId;
  private final ExecutorService threads;
  private final PublishEndpoint endpoint;
  private final Set<CompletableFuture<Ack>> inFlight = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  private RealParleyPublisher(
      URI serverUrl, TokenSupplier tokenSupplier, String clientId, Duration requestTimeout) {
    this.tokenSupplier = tokenSupplier;
    this.clientId = clientId;
    this.threads =
        Executors.newCachedThreadPool(
            new DaemonThreads("parley-publisher-" + PUBLISHERS.incrementAndGet()));
    HttpClient http =
        HttpClient.newBuilder()
            .executor(threads)
            .connectTimeout(requestTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    this.endpoint =
        new PublishEndpoint(
            http, new Endpoints(serverUrl).publish(), requestTimeout, FrameCodec.create());
  }

  /** A publisher for {@code serverUrl}; {@code clientId} may be {@code null}. */
  public static ParleyPublisher create(
      URI serverUrl, TokenSupplier tokenSupplier, String clientId, Duration requestTimeout) {
    return new RealParleyPublisher(
        Objects.requireNonNull(serverUrl, "serverUrl"),
        Objects.requireNonNull(tokenSupplier, "tokenSupplier"),
        clientId,
        Objects.requireNonNull(requestTimeout, "requestTimeout"));
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
    String token = tokenSupplier.token();
    CompletableFuture<Ack> result = endpoint.publish(token, id, clientId, channel, event, data);
    inFlight.add(result);
    result.whenComplete((ack, failure) -> inFlight.remove(result));
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
  }
}
