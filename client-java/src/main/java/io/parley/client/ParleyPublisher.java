package io.parley.client;

import io.parley.client.internal.PublishRetries;
import io.parley.client.internal.RealParleyPublisher;
import io.parley.protocol.time.Scheduler;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.random.RandomGenerator;

/**
 * A thread-safe publisher for backends (share one instance): it publishes over plain HTTP ({@code
 * POST /realtime/publish}) without holding a connection, for job progress, notifications and other
 * server-side events. Returned stages complete on a thread owned by the publisher, never on the
 * caller's.
 *
 * <p>Retries, each with the publish's idempotency id (the server applies it once): a refusal with
 * {@code RATE_LIMITED} (429) or HTTP 503 is sent again after the answer's {@code Retry-After}
 * seconds (1 s when it has none), unless that is longer than {@link Builder#maxRetryDelay}; a
 * {@code TOKEN_EXPIRED} refusal is sent again at once, once, with a token asked afresh from the
 * {@link TokenSupplier} (on a publisher thread), unless that is the same token or {@code null}. A
 * publish makes at most {@link Builder#maxAttempts} requests in all (default 3); then, or for any
 * other refusal or failure, the stage fails with the last one. Network failures are not retried: to
 * retry one safely, call {@link #publish(String, String, String, String)} again with the same
 * idempotency id. The exception is a publisher given several {@link Builder#serverUrls}: a network
 * failure (no answer) sends the publish again at once, with the same id, to the next node of its
 * order, which later publishes go to as well; that counts as an attempt.
 */
public interface ParleyPublisher extends AutoCloseable {

  /** A builder; only {@link Builder#serverUrl} (or {@link Builder#serverUrls}) is required. */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Publishes one message with a fresh idempotency id.
   *
   * @param dataJson the payload as JSON text
   * @return completes with the {@link Ack}, or fails with {@link PublishRejectedException} (the
   *     server's problem details), {@link AuthenticationException} (401), {@link
   *     ConnectionException} (network, timeout) or {@link ClientClosedException}
   * @throws IllegalArgumentException when the channel, event or JSON is invalid
   */
  CompletionStage<Ack> publish(String channel, String event, String dataJson);

  /**
   * Publishes one message with the caller's idempotency id: the server applies a given (client id,
   * id) once, and answers a repeat with the original {@code seq}.
   *
   * @param id 1 to 128 characters
   * @see #publish(String, String, String)
   */
  CompletionStage<Ack> publish(String channel, String event, String dataJson, String id);

  /** Fails publishes in flight with {@link ClientClosedException} and releases the threads. */
  @Override
  void close();

  /**
   * A builder of {@link ParleyPublisher} settings that is not thread-safe: configure it on one
   * thread, then call {@link #build()}.
   */
  final class Builder {
    /** How long one publish request may take: 10 s. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final ParleyClient.Builder url = ParleyClient.builder();
    private boolean urlSet;
    private TokenSupplier tokenSupplier = TokenSupplier.anonymous();
    private String clientId;

    /** Requests one publish may make in all, retries included: 3. */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;

    /** The longest {@code Retry-After} a publish waits for before it is sent again: 30 s. */
    public static final Duration DEFAULT_MAX_RETRY_DELAY = Duration.ofSeconds(30);

    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration maxRetryDelay = DEFAULT_MAX_RETRY_DELAY;
    private Scheduler scheduler;

    Builder() {}

    /**
     * The server's base URL, as for {@link ParleyClient.Builder#serverUrl(String)}. This or {@link
     * #serverUrls} is required; the one called last wins.
     */
    public Builder serverUrl(String serverUrl) {
      url.serverUrl(serverUrl);
      urlSet = true;
      return this;
    }

    /**
     * Several nodes of one cluster, validated and shuffled once as for {@link
     * ParleyClient.Builder#serverUrls(List)}. Publishes go to the first node of the publisher's
     * order; a network failure moves the publisher to the next (see {@link ParleyPublisher}). The
     * nodes must share a Redis backplane, which keeps idempotency ids, so a publish sent to two
     * nodes is applied once.
     */
    public Builder serverUrls(List<String> serverUrls) {
      url.serverUrls(serverUrls);
      urlSet = true;
      return this;
    }

    /** What shuffles {@link #serverUrls}; seed it in tests. Default: a new SplittableRandom. */
    public Builder random(RandomGenerator random) {
      url.random(random);
      return this;
    }

    /** Where the bearer token of each request comes from. Default: anonymous. */
    public Builder tokenSupplier(TokenSupplier tokenSupplier) {
      this.tokenSupplier = Objects.requireNonNull(tokenSupplier, "tokenSupplier");
      return this;
    }

    /**
     * The client id that scopes idempotency ids; {@code null} (the default) sends none, so the
     * server scopes ids by token subject.
     */
    public Builder clientId(String clientId) {
      if (clientId != null) {
        url.clientId(clientId);
      }
      this.clientId = clientId;
      return this;
    }

    /** How long one publish request may take. Default 10 s. */
    public Builder requestTimeout(Duration requestTimeout) {
      Objects.requireNonNull(requestTimeout, "requestTimeout");
      if (requestTimeout.isNegative() || requestTimeout.isZero()) {
        throw new IllegalArgumentException(
            "requestTimeout must be positive but was " + requestTimeout);
      }
      this.requestTimeout = requestTimeout;
      return this;
    }

    /**
     * Requests one publish may make in all, counted from 1: the first and its retries. Default 3; 1
     * turns retries off.
     *
     * @throws IllegalArgumentException when below 1
     */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1 but was " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * The longest {@code Retry-After} a refused publish waits for; when the server asks for more,
     * the publish fails at once with its {@code RATE_LIMITED} or 503 refusal. Default 30 s.
     *
     * @throws IllegalArgumentException when negative
     */
    public Builder maxRetryDelay(Duration maxRetryDelay) {
      Objects.requireNonNull(maxRetryDelay, "maxRetryDelay");
      if (maxRetryDelay.isNegative()) {
        throw new IllegalArgumentException(
            "maxRetryDelay must not be negative but was " + maxRetryDelay);
      }
      this.maxRetryDelay = maxRetryDelay;
      return this;
    }

    /**
     * Runs the waits before retries. Default {@code null}: a daemon thread owned by the publisher.
     * Tests pass a virtual-time scheduler.
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = scheduler;
      return this;
    }

    /**
     * A new publisher.
     *
     * @throws IllegalStateException when neither {@link #serverUrl} nor {@link #serverUrls} was set
     */
    public ParleyPublisher build() {
      if (!urlSet) {
        throw new IllegalStateException("serverUrl is required");
      }
      return new RealParleyPublisher(
          url.options().serverUrls(),
          tokenSupplier,
          clientId,
          requestTimeout,
          new PublishRetries(maxAttempts, maxRetryDelay),
          scheduler);
    }
  }
}
