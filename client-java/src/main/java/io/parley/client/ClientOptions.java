package io.parley.client;

import io.parley.protocol.Transport;
import io.parley.protocol.backoff.BackoffPolicy;
import io.parley.protocol.time.Scheduler;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;

/**
 * The immutable, thread-safe settings of one {@link ParleyClient}, made by {@link
 * ParleyClient.Builder}. The {@code DEFAULT_*} constants are the values a builder starts with;
 * {@code docs/client.md} explains each one.
 */
public final class ClientOptions {
  /** Transports tried, best first: the full ladder. */
  public static final List<Transport> DEFAULT_TRANSPORTS =
      List.of(
          Transport.SOCKET_IO, Transport.WEBSOCKET, Transport.HTTP_LONG_POLL, Transport.HTTP_POLL);

  /** How long one transport may take to connect (until the server's welcome): 10 s. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** Ceiling of the first retry round's delay: 1 s. */
  public static final Duration DEFAULT_BACKOFF_BASE = Duration.ofSeconds(1);

  /** Largest ceiling of any retry round's delay: 30 s. */
  public static final Duration DEFAULT_BACKOFF_CAP = Duration.ofSeconds(30);

  /** {@link ParleyClient.Builder#maxAttempts(int)} value meaning "retry forever" (the default). */
  public static final int UNLIMITED_ATTEMPTS = 0;

  /** Pause between one transport's failure and the next transport's try in a round: none. */
  public static final Duration DEFAULT_FALLBACK_DELAY = Duration.ZERO;

  /** How often a client in {@code FALLBACK} tries the transports above its current one: 30 s. */
  public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(30);

  /** Consecutive failures after which a transport is skipped in connection rounds: 3. */
  public static final int DEFAULT_FAILURE_THRESHOLD = 3;

  /** How long a transport that reached the failure threshold is skipped: 2 min. */
  public static final Duration DEFAULT_SKIP_DURATION = Duration.ofMinutes(2);

  /** How long a connection must stay up before the backoff starts over at attempt 1: 30 s. */
  public static final Duration DEFAULT_STABLE_PERIOD = Duration.ofSeconds(30);

  /** Most publishes waiting for acknowledgment; more fail fast: 1,000. */
  public static final int DEFAULT_OUTBOX_CAPACITY = 1_000;

  /** Most handler and listener calls waiting on the dispatcher: 10,000. */
  public static final int DEFAULT_DISPATCH_CAPACITY = 10_000;

  /** How long the server may hold an HTTP long-poll open: 25 s. */
  public static final Duration DEFAULT_LONG_POLL_WAIT = Duration.ofSeconds(25);

  /** Pause between two periodic HTTP polls: 2 s. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(2);

  /** How often the client pings to measure round-trip time: 15 s. */
  public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(15);

  private final List<URI> serverUrls;
  private final TokenSupplier tokenSupplier;
  private final String clientId;
  private final List<Transport> transports;
  private final Duration connectTimeout;
  private final BackoffPolicy backoff;
  private final int maxAttempts;
  private final Duration heartbeatTimeout;
  private final Duration fallbackDelay;
  private final Duration probeInterval;
  private final int failureThreshold;
  private final Duration skipDuration;
  private final Duration stablePeriod;
  private final int outboxCapacity;
  private final int dispatchCapacity;
  private final Duration longPollWait;
  private final Duration pollInterval;
  private final Duration pingInterval;
  private final Executor listenerExecutor;
  private final Scheduler scheduler;
  private final Clock clock;

  ClientOptions(ParleyClient.Builder b, RandomGenerator random) {
    this.serverUrls = shuffled(b.serverUrls, random);
    this.tokenSupplier = b.tokenSupplier;
    this.clientId = b.clientId;
    this.transports = b.transports;
    this.connectTimeout = b.connectTimeout;
    this.backoff =
        b.backoff != null
            ? b.backoff
            : BackoffPolicy.exponentialFullJitter(
                DEFAULT_BACKOFF_BASE, DEFAULT_BACKOFF_CAP, random);
    this.maxAttempts = b.maxAttempts;
    this.heartbeatTimeout = b.heartbeatTimeout;
    this.fallbackDelay = b.fallbackDelay;
    this.probeInterval = b.probeInterval;
    this.failureThreshold = b.failureThreshold;
    this.skipDuration = b.skipDuration;
    this.stablePeriod = b.stablePeriod;
    this.outboxCapacity = b.outboxCapacity;
    this.dispatchCapacity = b.dispatchCapacity;
    this.longPollWait = b.longPollWait;
    this.pollInterval = b.pollInterval;
    this.pingInterval = b.pingInterval;
    this.listenerExecutor = b.listenerExecutor;
    this.scheduler = b.scheduler;
    this.clock = b.clock;
  }

  /**
   * The server's base URL ({@code http} or {@code https}), without a trailing slash: the first of
   * {@link #serverUrls()}, the one the client tries first.
   */
  public URI serverUrl() {
    return serverUrls.get(0);
  }

  /**
   * The servers' base URLs in this client's order (the builder's list shuffled once by its random
   * source), each without a trailing slash; one URL when only {@code serverUrl} was set. The client
   * tries them in this order, wrapping around.
   */
  public List<URI> serverUrls() {
    return serverUrls;
  }

  /** Where tokens come from. */
  public TokenSupplier tokenSupplier() {
    return tokenSupplier;
  }

  /** The client's id: scopes publish idempotency, stable for the client's lifetime. */
  public String clientId() {
    return clientId;
  }

  /** The enabled transports, best first. */
  public List<Transport> transports() {
    return transports;
  }

  /** How long one transport may take to connect. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** The delay before each retry round. */
  public BackoffPolicy backoff() {
    return backoff;
  }

  /** Retry rounds before giving up with {@code FAILED}; {@link #UNLIMITED_ATTEMPTS} for never. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * Silence after which a connection counts as dead, or {@code null} to derive it from the server's
   * welcome ({@code heartbeat.timeoutMs}).
   */
  public Duration heartbeatTimeout() {
    return heartbeatTimeout;
  }

  /** Pause between one transport's failure and the next one's try within a round. */
  public Duration fallbackDelay() {
    return fallbackDelay;
  }

  /** How often a client in {@code FALLBACK} probes the transports above its current one. */
  public Duration probeInterval() {
    return probeInterval;
  }

  /** Consecutive failures after which a transport is skipped in rounds. */
  public int failureThreshold() {
    return failureThreshold;
  }

  /** How long a transport past the failure threshold is skipped in rounds. */
  public Duration skipDuration() {
    return skipDuration;
  }

  /** How long a connection must stay up before the backoff starts over. */
  public Duration stablePeriod() {
    return stablePeriod;
  }

  /** Most publishes waiting for acknowledgment. */
  public int outboxCapacity() {
    return outboxCapacity;
  }

  /** Most handler and listener calls waiting on the dispatcher. */
  public int dispatchCapacity() {
    return dispatchCapacity;
  }

  /** How long the server may hold an HTTP long-poll. */
  public Duration longPollWait() {
    return longPollWait;
  }

  /** Pause between periodic HTTP polls. */
  public Duration pollInterval() {
    return pollInterval;
  }

  /** How often the client pings to measure round-trip time. */
  public Duration pingInterval() {
    return pingInterval;
  }

  /** The executor handlers and listeners run on, or {@code null} for the client's own thread. */
  public Executor listenerExecutor() {
    return listenerExecutor;
  }

  /** The scheduler timers run on, or {@code null} for the client's own thread. */
  public Scheduler scheduler() {
    return scheduler;
  }

  /**
   * {@code urls} in a random order (Fisher-Yates). A single URL draws nothing from {@code random},
   * so a one-server client's backoff jitter is what it was before server lists.
   */
  private static List<URI> shuffled(List<URI> urls, RandomGenerator random) {
    List<URI> order = new ArrayList<>(urls);
    for (int i = order.size() - 1; i > 0; i--) {
      Collections.swap(order, i, random.nextInt(i + 1));
    }
    return List.copyOf(order);
  }

  /** The wall clock used for the timestamps in {@link ClientMetrics}. */
  public Clock clock() {
    return clock;
  }
}
