package io.parley.harness.scenario;

import io.parley.protocol.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Immutable and thread-safe: one scenario, as read from a file by {@link ScenarioFile}.
 *
 * @param name short name, used for report files
 * @param description one or two sentences: what is broken and what must hold
 * @param seed the seed of every random choice (proxy faults, client jitter); the same seed gives
 *     the same choices, though real processes still race
 * @param serverProperties configuration of the server the runner starts ({@code -Dkey=value});
 *     ignored when the runner points at a running server
 * @param backplane where the server keeps its channels; {@link Backplane#REDIS} makes the runner
 *     start a Redis of its own for the run
 * @param nodes how many server processes the runner starts, at least 1; more than one needs {@link
 *     Backplane#REDIS}, and a balancer of the runner's spreads connections over them
 * @param proxyMaxHeldBytes the proxy's buffer per direction and connection; 0 for its default
 * @param clients the subscribing clients
 * @param channels the channels every client subscribes to and publishers publish to, round robin
 * @param publishers who publishes, how fast, and by which route
 * @param timeline the steps, in order
 * @param expect what the invariant check allows beyond "nothing lost, nothing twice, in order"
 * @param settleTimeout after the timeline, how long clients may take to receive everything
 */
public record Scenario(
    String name,
    String description,
    long seed,
    Map<String, String> serverProperties,
    Backplane backplane,
    int nodes,
    int proxyMaxHeldBytes,
    ClientSpec clients,
    List<String> channels,
    List<PublisherSpec> publishers,
    List<Step> timeline,
    Expectations expect,
    Duration settleTimeout) {

  public Scenario {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    serverProperties = Map.copyOf(serverProperties);
    Objects.requireNonNull(backplane, "backplane");
    if (nodes < 1) {
      throw new IllegalArgumentException("nodes must be at least 1 but was " + nodes);
    }
    if (nodes > 1 && backplane != Backplane.REDIS) {
      throw new IllegalArgumentException(
          nodes + " nodes need the redis backplane: with memory each node has its own channels");
    }
    Objects.requireNonNull(clients, "clients");
    channels = List.copyOf(channels);
    publishers = List.copyOf(publishers);
    timeline = List.copyOf(timeline);
    Objects.requireNonNull(expect, "expect");
    Objects.requireNonNull(settleTimeout, "settleTimeout");
  }

  /** This scenario with {@code count} subscribing clients instead of its own number. */
  public Scenario withClientCount(int count) {
    return new Scenario(
        name,
        description,
        seed,
        serverProperties,
        backplane,
        nodes,
        proxyMaxHeldBytes,
        clients.withCount(count),
        channels,
        publishers,
        timeline,
        expect,
        settleTimeout);
  }

  /**
   * Immutable and thread-safe: where the server keeps its channels ({@code realtime.backplane}).
   */
  public enum Backplane {
    /** In each node's heap: one node; a restart starts new epochs. */
    MEMORY,
    /**
     * In a Redis the runner starts for the run ({@code redis-server} on an ephemeral port, no
     * persistence of its own), every node with the same key prefix, unique to the run.
     */
    REDIS
  }

  /**
   * Immutable and thread-safe: the subscribing clients, all built alike, each with its own seeded
   * jitter source ({@code seed + index}).
   *
   * @param count how many, at least 1
   * @param transports the ladder, best first
   * @param connectTimeout how long one transport may take to connect
   * @param probeInterval how often a client in FALLBACK tries better transports
   * @param backoffBase the first retry round's ceiling (full jitter)
   * @param backoffCap the largest ceiling
   * @param longPollWait the HTTP long-poll's wait
   * @param pollInterval the pause between periodic HTTP polls
   * @param tokenLifetime when not null, each client's token expires this long after it is minted,
   *     and the client's token supplier mints a fresh one whenever it is asked (refresh in-band);
   *     null: long-lived tokens
   */
  public record ClientSpec(
      int count,
      List<Transport> transports,
      Duration connectTimeout,
      Duration probeInterval,
      Duration backoffBase,
      Duration backoffCap,
      Duration longPollWait,
      Duration pollInterval,
      Duration tokenLifetime) {

    public ClientSpec {
      if (count < 1) {
        throw new IllegalArgumentException("count must be at least 1 but was " + count);
      }
      transports = List.copyOf(transports);
    }

    ClientSpec withCount(int newCount) {
      return new ClientSpec(
          newCount,
          transports,
          connectTimeout,
          probeInterval,
          backoffBase,
          backoffCap,
          longPollWait,
          pollInterval,
          tokenLifetime);
    }
  }

  /**
   * Immutable and thread-safe: one publisher.
   *
   * @param kind how it publishes
   * @param route whether it reaches the server directly or through the proxy (and its faults)
   * @param ratePerSecond messages per second, across the channels
   * @param payloadBytes padding added to each message's data, to load the links
   */
  public record PublisherSpec(Kind kind, Route route, double ratePerSecond, int payloadBytes) {

    public PublisherSpec {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(route, "route");
    }
  }

  /** Immutable and thread-safe: how a publisher publishes. */
  public enum Kind {
    /**
     * {@code POST /realtime/publish} with {@code ParleyPublisher}, each publish retried with the
     * same idempotency id until acknowledged, as a backend would.
     */
    HTTP,
    /** A {@code ParleyClient} of its own, whose outbox queues and retries publishes. */
    CLIENT
  }

  /** Immutable and thread-safe: the way from a publisher to the server. */
  public enum Route {
    /** Straight to the server: the faults hit only the subscribers. */
    SERVER,
    /** Through the fault proxy, like the subscribers. */
    PROXY
  }

  /** Immutable and thread-safe: whether gaps are expected. */
  public enum GapPolicy {
    /** No subscriber may get a gap: history covers every outage. */
    FORBIDDEN,
    /** Every subscriber must get at least one gap (the server lost its history). */
    REQUIRED,
    /** Gaps may come or not. */
    ALLOWED
  }

  /**
   * Immutable and thread-safe: what a scenario expects beyond the invariants every scenario checks.
   *
   * @param gaps whether gaps are expected
   * @param minReconnectSpread when not null, the reconnect times of the clients after the largest
   *     failure must spread over at least this much (10th to 90th percentile): no thundering herd
   * @param minTokenRefreshes each client must have been given at least this many fresh tokens after
   *     its first (with {@link ClientSpec#tokenLifetime})
   * @param reconnects whether a client may lose its connection after it first connected
   */
  public record Expectations(
      GapPolicy gaps, Duration minReconnectSpread, int minTokenRefreshes, Reconnects reconnects) {

    public Expectations {
      Objects.requireNonNull(gaps, "gaps");
      Objects.requireNonNull(reconnects, "reconnects");
    }
  }

  /** Whether clients may reconnect during a scenario. */
  public enum Reconnects {
    /** Reconnecting is part of the scenario (faults, restarts). */
    ALLOWED,
    /** Every client must stay connected from its first connection to the end. */
    FORBIDDEN
  }
}
