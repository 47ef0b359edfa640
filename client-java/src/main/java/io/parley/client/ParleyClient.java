package io.parley.client;

import io.parley.client.internal.RealParleyClient;
import io.parley.protocol.ConnectionStatus;
import io.parley.protocol.Limits;
import io.parley.protocol.Position;
import io.parley.protocol.Transport;
import io.parley.protocol.backoff.BackoffPolicy;
import io.parley.protocol.time.Scheduler;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;

/**
 * A thread-safe client of a Parley server that keeps one logical connection alive on the best
 * transport that works, resumes every subscription from its last position after each reconnect or
 * transport switch, and queues publishes while offline. Every method may be called from any thread,
 * including from handlers and listeners, and none of them blocks.
 *
 * <h2>Lifecycle</h2>
 *
 * A client starts {@code DISCONNECTED}; {@link #connect()} moves it through {@code CONNECTING} to
 * {@code CONNECTED} (best enabled transport) or {@code FALLBACK} (a lower one), and through {@code
 * RECONNECTING} whenever the connection is lost. It ends {@code FAILED} when authentication is
 * refused for good or {@code maxAttempts} retry rounds failed, and {@code DISCONNECTED} after
 * {@link #close()}. A client connects once; after {@code close()} or {@code FAILED} build a new
 * one.
 *
 * <h2>Threads</h2>
 *
 * Handlers, listeners and the completion of every returned stage run on one dispatcher thread
 * ({@code parley-dispatcher-*}, a daemon owned by the client) or, when {@link
 * Builder#listenerExecutor} is set, on that executor, one call at a time, in order. They never run
 * on the caller's thread, on a transport I/O thread or under a lock. {@link #close()} releases
 * every thread and socket the client owns.
 *
 * <h2>Guarantees</h2>
 *
 * Per channel, handlers see each message at most once and in {@code seq} order; messages the server
 * can no longer replay are reported as a {@link Gap}, never skipped silently. A publish is sent
 * with an idempotency id and retried after reconnects until acknowledged; its stage completes
 * exactly once.
 */
public interface ParleyClient {

  /**
   * A builder with every option at its default; only {@link Builder#serverUrl} (or {@link
   * Builder#serverUrls}) is required.
   */
  static Builder builder() {
    return new Builder();
  }

  /** This client's settings. */
  ClientOptions options();

  /**
   * Starts connecting, if not already started. The stage completes when the client is first
   * connected ({@code CONNECTED} or {@code FALLBACK}); it fails only when the client gives up
   * ({@code FAILED}: {@link AuthenticationException}, {@link ConnectionException}) or is closed
   * ({@link ClientClosedException}). Failed attempts in between are retried, not reported here.
   */
  CompletionStage<Void> connect();

  /**
   * Closes every connection, fails pending publishes with {@link ClientClosedException}, ends every
   * subscription and releases the client's threads. The status becomes {@code DISCONNECTED}; that
   * {@link StatusChanged} is the last listener call. Idempotent. The stage completes after the last
   * callback, on the dispatcher.
   */
  CompletionStage<Void> close();

  /**
   * Subscribes to {@code channel} from now on (live).
   *
   * @throws IllegalArgumentException when the channel name is invalid
   * @throws IllegalStateException when this client already has an active subscription to {@code
   *     channel}, or is closed
   */
  Subscription subscribe(String channel, MessageHandler handler);

  /**
   * Subscribes to {@code channel}, first replaying every message after {@code since} (a position
   * stored from an earlier {@link Subscription#position()} or {@link Message#position()}). When the
   * server no longer has them the handler gets a {@link Gap} first.
   *
   * @param since the last position already processed, or {@code null} to start live
   * @throws IllegalArgumentException when the channel name is invalid
   * @throws IllegalStateException when this client already has an active subscription to {@code
   *     channel}, or is closed
   */
  Subscription subscribe(String channel, Position since, MessageHandler handler);

  /**
   * Publishes one message with a fresh idempotency id. Never blocks: when offline the publish waits
   * in the outbox and is sent after the next connect; it is resent after every reconnect or
   * transport switch until the server acknowledges it, and the server applies it once. The stage
   * completes exactly once: with the {@link Ack}; or fails with {@link OutboxFullException} (at
   * once, nothing queued), {@link PublishRejectedException} (the server refused it for good),
   * {@link ClientClosedException}, or the failure that made the client {@code FAILED}.
   *
   * @param dataJson the payload as JSON text (object, array, string, number, boolean or null)
   * @throws IllegalArgumentException when the channel, event or JSON is invalid
   */
  CompletionStage<Ack> publish(String channel, String event, String dataJson);

  /** The current status. */
  ConnectionStatus status();

  /** The transport of the current connection; empty when not connected. */
  Optional<Transport> transport();

  /**
   * The server (one of {@link ClientOptions#serverUrls()}) of the current connection; empty when
   * not connected. {@link ServerChanged} reports each change.
   */
  Optional<URI> server();

  /** Adds a listener; it sees events that happen after this call. */
  void addListener(ClientListener listener);

  /** Removes a listener; calls already queued for it may still arrive. */
  void removeListener(ClientListener listener);

  /** A snapshot of the client's counters. */
  ClientMetrics metrics();

  /**
   * A builder of {@link ParleyClient} options that is not thread-safe: configure it on one thread,
   * then call {@link #build()}. Each setter validates its argument and names it when it is wrong.
   */
  final class Builder {
    List<URI> serverUrls;
    TokenSupplier tokenSupplier = TokenSupplier.anonymous();
    String clientId;
    List<Transport> transports = ClientOptions.DEFAULT_TRANSPORTS;
    Duration connectTimeout = ClientOptions.DEFAULT_CONNECT_TIMEOUT;
    BackoffPolicy backoff;
    RandomGenerator random;
    int maxAttempts = ClientOptions.UNLIMITED_ATTEMPTS;
    Duration heartbeatTimeout;
    Duration fallbackDelay = ClientOptions.DEFAULT_FALLBACK_DELAY;
    Duration probeInterval = ClientOptions.DEFAULT_PROBE_INTERVAL;
    int failureThreshold = ClientOptions.DEFAULT_FAILURE_THRESHOLD;
    Duration skipDuration = ClientOptions.DEFAULT_SKIP_DURATION;
    Duration stablePeriod = ClientOptions.DEFAULT_STABLE_PERIOD;
    int outboxCapacity = ClientOptions.DEFAULT_OUTBOX_CAPACITY;
    int dispatchCapacity = ClientOptions.DEFAULT_DISPATCH_CAPACITY;
    Duration longPollWait = ClientOptions.DEFAULT_LONG_POLL_WAIT;
    Duration pollInterval = ClientOptions.DEFAULT_POLL_INTERVAL;
    Duration pingInterval = ClientOptions.DEFAULT_PING_INTERVAL;
    Executor listenerExecutor;
    Scheduler scheduler;
    Clock clock = Clock.systemUTC();

    Builder() {}

    /**
     * The server's base URL, such as {@code https://rt.example.com} or {@code
     * http://localhost:8080/parley}. The client derives {@code /socket.io/}, {@code /ws} (as {@code
     * ws:} or {@code wss:}), {@code /realtime/poll} and {@code /realtime/publish} from it. This or
     * {@link #serverUrls(List)} is required; the one called last wins.
     *
     * @throws IllegalArgumentException when the URL is not {@code http} or {@code https}, names no
     *     host, or has a query or fragment
     */
    public Builder serverUrl(String serverUrl) {
      Objects.requireNonNull(serverUrl, "serverUrl");
      return serverUrl(URI.create(serverUrl));
    }

    /** See {@link #serverUrl(String)}. */
    public Builder serverUrl(URI serverUrl) {
      this.serverUrls = List.of(checkServerUrl("serverUrl", serverUrl));
      return this;
    }

    /**
     * Several nodes of one Parley cluster, each a base URL as for {@link #serverUrl(String)}. Each
     * client shuffles them once, with the {@link #random} source, so that a fleet of clients
     * spreads over the nodes; it connects to the first in its order and moves to the next
     * (wrapping) when a whole connection round to its node fails, resuming every subscription there
     * from its position ({@code docs/client.md}, "Several servers"). The nodes must share their
     * channels (a Redis backplane), or the positions mean nothing on the next one. This or {@link
     * #serverUrl(String)} is required; the one called last wins.
     *
     * @throws IllegalArgumentException when the list is empty, lists a URL twice (after a trailing
     *     slash is dropped), or a URL is invalid; the message names its index, {@code
     *     serverUrls[1]}
     */
    public Builder serverUrls(List<String> serverUrls) {
      Objects.requireNonNull(serverUrls, "serverUrls");
      List<URI> urls = new ArrayList<>(serverUrls.size());
      for (int i = 0; i < serverUrls.size(); i++) {
        String url = Objects.requireNonNull(serverUrls.get(i), "serverUrls[" + i + "] is null");
        try {
          urls.add(URI.create(url));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "serverUrls[" + i + "] is not a URL: " + e.getMessage(), e);
        }
      }
      return serverUrls(urls.toArray(URI[]::new));
    }

    /** See {@link #serverUrls(List)}. */
    public Builder serverUrls(URI... serverUrls) {
      Objects.requireNonNull(serverUrls, "serverUrls");
      if (serverUrls.length == 0) {
        throw new IllegalArgumentException("serverUrls must name at least one URL");
      }
      List<URI> checked = new ArrayList<>(serverUrls.length);
      for (int i = 0; i < serverUrls.length; i++) {
        String name = "serverUrls[" + i + "]";
        URI url = checkServerUrl(name, Objects.requireNonNull(serverUrls[i], name + " is null"));
        int first = checked.indexOf(url);
        if (first >= 0) {
          throw new IllegalArgumentException(
              name + " repeats serverUrls[" + first + "]: " + url + " is listed twice");
        }
        checked.add(url);
      }
      this.serverUrls = List.copyOf(checked);
      return this;
    }

    /**
     * Options from this process's environment variables; see {@link #fromEnvironment(Map)}.
     *
     * @throws IllegalArgumentException naming the variable that cannot be read
     */
    public Builder fromEnvironment() {
      return fromEnvironment(System.getenv());
    }

    /**
     * Options from environment variables, so that a deployment configures the client without code:
     * {@code PARLEY_URL} (one base URL, or several separated by commas: {@link #serverUrls(List)}),
     * {@code PARLEY_TOKEN} (a fixed token: {@link TokenSupplier#of}), {@code PARLEY_CLIENT_ID},
     * {@code PARLEY_TRANSPORTS} (comma-separated, best first, such as {@code websocket,http-poll};
     * any case, {@code -} for {@code _}), {@code PARLEY_CONNECT_TIMEOUT} and {@code
     * PARLEY_HEARTBEAT_TIMEOUT} ({@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h} or ISO-8601)
     * and {@code PARLEY_MAX_ATTEMPTS}. An unset or blank variable leaves its option as it was, so
     * call this after the code's own defaults and before anything the code must force.
     *
     * @param env the variables, such as {@link System#getenv()}
     * @throws IllegalArgumentException naming the variable that cannot be read and what it expects
     *     (a token's value is never shown)
     */
    public Builder fromEnvironment(Map<String, String> env) {
      Objects.requireNonNull(env, "env");
      EnvironmentOptions.apply(env, this);
      return this;
    }

    /** Where tokens come from. Default: {@link TokenSupplier#anonymous()}. */
    public Builder tokenSupplier(TokenSupplier tokenSupplier) {
      this.tokenSupplier = Objects.requireNonNull(tokenSupplier, "tokenSupplier");
      return this;
    }

    /**
     * The client's id, 1 to 128 characters; it scopes publish idempotency ids, so keep it stable
     * while publishes may be retried. Default: a random UUID chosen by {@link #build()}.
     */
    public Builder clientId(String clientId) {
      Objects.requireNonNull(clientId, "clientId");
      if (clientId.isEmpty() || clientId.length() > Limits.MAX_ID_LENGTH) {
        throw new IllegalArgumentException(
            "clientId must have 1 to "
                + Limits.MAX_ID_LENGTH
                + " characters but had "
                + clientId.length());
      }
      this.clientId = clientId;
      return this;
    }

    /**
     * The transports to use, best first; each at most once. Default: {@link
     * ClientOptions#DEFAULT_TRANSPORTS} ({@code SOCKET_IO, WEBSOCKET, HTTP_LONG_POLL, HTTP_POLL}).
     */
    public Builder transports(Transport... transports) {
      Objects.requireNonNull(transports, "transports");
      return transports(List.of(transports));
    }

    /** See {@link #transports(Transport...)}. */
    public Builder transports(Collection<Transport> transports) {
      Objects.requireNonNull(transports, "transports");
      if (transports.isEmpty()) {
        throw new IllegalArgumentException("transports must name at least one transport");
      }
      EnumSet<Transport> seen = EnumSet.noneOf(Transport.class);
      for (Transport transport : transports) {
        if (!seen.add(Objects.requireNonNull(transport, "transports contains null"))) {
          throw new IllegalArgumentException("transports lists " + transport + " twice");
        }
      }
      this.transports = List.copyOf(new ArrayList<>(transports));
      return this;
    }

    /** How long one transport may take to connect. Default 10 s; must be positive. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive("connectTimeout", connectTimeout);
      return this;
    }

    /**
     * The delay before each retry round. Default: {@code BackoffPolicy.exponentialFullJitter(1 s,
     * 30 s, random)} with the {@link #random} source. The policy is only called on the client's
     * supervisor thread.
     */
    public Builder backoff(BackoffPolicy backoff) {
      this.backoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /**
     * The jitter source of the default backoff policy, and what shuffles {@link #serverUrls(List)}
     * (once, when the options are made); seed it in tests to pin delays and the order. Default: a
     * new {@link SplittableRandom}. The backoff ignores it when {@link #backoff} is set.
     */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Retry rounds after a failure before giving up with {@code FAILED}. Default {@link
     * ClientOptions#UNLIMITED_ATTEMPTS} (0): never give up.
     */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 0) {
        throw new IllegalArgumentException("maxAttempts must be >= 0 but was " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * Silence after which a connection counts as dead. Default {@code null}: the server's welcome
     * decides ({@code heartbeat.timeoutMs}).
     */
    public Builder heartbeatTimeout(Duration heartbeatTimeout) {
      this.heartbeatTimeout =
          heartbeatTimeout == null ? null : positive("heartbeatTimeout", heartbeatTimeout);
      return this;
    }

    /** Pause between one transport's failure and the next one's try in a round. Default 0. */
    public Builder fallbackDelay(Duration fallbackDelay) {
      this.fallbackDelay = notNegative("fallbackDelay", fallbackDelay);
      return this;
    }

    /** How often a client in {@code FALLBACK} probes better transports. Default 30 s. */
    public Builder probeInterval(Duration probeInterval) {
      this.probeInterval = positive("probeInterval", probeInterval);
      return this;
    }

    /** Consecutive failures after which a transport is skipped in rounds. Default 3. */
    public Builder failureThreshold(int failureThreshold) {
      if (failureThreshold < 1) {
        throw new IllegalArgumentException(
            "failureThreshold must be >= 1 but was " + failureThreshold);
      }
      this.failureThreshold = failureThreshold;
      return this;
    }

    /** How long a transport past the failure threshold is skipped in rounds. Default 2 min. */
    public Builder skipDuration(Duration skipDuration) {
      this.skipDuration = notNegative("skipDuration", skipDuration);
      return this;
    }

    /** How long a connection must stay up before the backoff starts over. Default 30 s. */
    public Builder stablePeriod(Duration stablePeriod) {
      this.stablePeriod = notNegative("stablePeriod", stablePeriod);
      return this;
    }

    /** Most publishes waiting for acknowledgment; more fail fast. Default 1,000. */
    public Builder outboxCapacity(int outboxCapacity) {
      if (outboxCapacity < 1) {
        throw new IllegalArgumentException("outboxCapacity must be >= 1 but was " + outboxCapacity);
      }
      this.outboxCapacity = outboxCapacity;
      return this;
    }

    /**
     * Most handler and listener calls waiting on the dispatcher. When a message arrives while the
     * queue is full, the client drops the connection without accepting it and resumes from the last
     * accepted position after the backoff delay, as a server does with a slow consumer. Default
     * 10,000.
     */
    public Builder dispatchCapacity(int dispatchCapacity) {
      if (dispatchCapacity < 1) {
        throw new IllegalArgumentException(
            "dispatchCapacity must be >= 1 but was " + dispatchCapacity);
      }
      this.dispatchCapacity = dispatchCapacity;
      return this;
    }

    /** How long the server may hold an HTTP long-poll open. Default 25 s. */
    public Builder longPollWait(Duration longPollWait) {
      this.longPollWait = positive("longPollWait", longPollWait);
      return this;
    }

    /** Pause between periodic HTTP polls. Default 2 s. */
    public Builder pollInterval(Duration pollInterval) {
      this.pollInterval = positive("pollInterval", pollInterval);
      return this;
    }

    /** How often to ping the server to measure round-trip time. Default 15 s. */
    public Builder pingInterval(Duration pingInterval) {
      this.pingInterval = positive("pingInterval", pingInterval);
      return this;
    }

    /**
     * Runs handlers, listeners and stage completions. The client still calls it one task at a time,
     * in order. Default {@code null}: a daemon thread owned by the client, stopped by {@code
     * close()}. An executor passed here is not shut down by the client.
     */
    public Builder listenerExecutor(Executor listenerExecutor) {
      this.listenerExecutor = listenerExecutor;
      return this;
    }

    /**
     * Runs the client's timers and its state machine (one task at a time, whatever the scheduler's
     * threads). Default {@code null}: a daemon thread owned by the client. Tests pass a
     * virtual-time scheduler.
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = scheduler;
      return this;
    }

    /** The wall clock for the timestamps in {@link ClientMetrics}. Default: system UTC. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The immutable options this builder describes now, as {@link #build()} would use them. Each
     * call shuffles the server URLs anew, drawing from the {@link #random} source.
     *
     * @throws IllegalStateException when neither {@link #serverUrl} nor {@link #serverUrls} was set
     */
    public ClientOptions options() {
      if (serverUrls == null) {
        throw new IllegalStateException("serverUrl is required");
      }
      if (clientId == null) {
        clientId = UUID.randomUUID().toString();
      }
      return new ClientOptions(this, random != null ? random : new SplittableRandom());
    }

    /**
     * A new, unconnected client; call {@link ParleyClient#connect()} to start it. Its threads start
     * when it is first used.
     *
     * @throws IllegalStateException when neither {@link #serverUrl} nor {@link #serverUrls} was set
     */
    public ParleyClient build() {
      return RealParleyClient.create(options());
    }

    /** {@code url} without trailing slashes; {@code name} is what an error calls it. */
    private static URI checkServerUrl(String name, URI url) {
      Objects.requireNonNull(url, name);
      String scheme = url.getScheme();
      if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
        throw new IllegalArgumentException(name + " must be an http or https URL but was " + url);
      }
      if (url.getHost() == null) {
        throw new IllegalArgumentException(name + " must name a host but was " + url);
      }
      if (url.getRawQuery() != null || url.getRawFragment() != null) {
        throw new IllegalArgumentException(name + " must have no query or fragment but was " + url);
      }
      String text = url.toString();
      while (text.endsWith("/")) {
        text = text.substring(0, text.length() - 1);
      }
      return URI.create(text);
    }

    private static Duration positive(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive but was " + value);
      }
      return value;
    }

    private static Duration notNegative(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative but was " + value);
      }
      return value;
    }
  }
}
