package io.parley.client;

import io.parley.client.internal.RealParleyPublisher;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * A thread-safe publisher for backends (share one instance): it publishes over plain HTTP ({@code
 * POST /realtime/publish}) without holding a connection, for job progress, notifications and other
 * server-side events. Nothing is retried automatically; to retry a failed publish safely, call
 * {@link #publish(String, String, String, String)} again with the same idempotency id. Returned
 * stages complete on a thread owned by the publisher, never on the caller's.
 */
public interface ParleyPublisher extends AutoCloseable {

  /** A builder; only {@link Builder#serverUrl} is required. */
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
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;

    Builder() {}

    /** The server's base URL, as for {@link ParleyClient.Builder#serverUrl(String)}. */
    public Builder serverUrl(String serverUrl) {
      url.serverUrl(serverUrl);
      urlSet = true;
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
     * A new publisher.
     *
     * @throws IllegalStateException when {@link #serverUrl} was not set
     */
    public ParleyPublisher build() {
      if (!urlSet) {
        throw new IllegalStateException("serverUrl is required");
      }
      URI serverUrl = url.options().serverUrl();
      return RealParleyPublisher.create(serverUrl, tokenSupplier, clientId, requestTimeout);
    }
  }
}
