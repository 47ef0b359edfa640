package io.parley.client.internal;

import io.parley.client.Ack;
import io.parley.client.AuthenticationException;
import io.parley.client.ClientClosedException;
import io.parley.client.ClientOptions;
import io.parley.client.ConnectionException;
import io.parley.client.Gap;
import io.parley.client.Message;
import io.parley.client.ParleyException;
import io.parley.client.ProtocolException;
import io.parley.client.PublishRejectedException;
import io.parley.client.ReconnectScheduled;
import io.parley.client.StatusChanged;
import io.parley.client.SubscriptionRejectedException;
import io.parley.client.TransportChanged;
import io.parley.client.internal.transport.ClientTransport;
import io.parley.client.internal.transport.ClientTransport.ConnectRequest;
import io.parley.client.internal.transport.TransportSet;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ConnectionStatus;
import io.parley.protocol.ErrorCategory;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Position;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.Transport;
import io.parley.protocol.backoff.Backoff;
import io.parley.protocol.time.Scheduler.Cancellable;
import io.parley.protocol.time.Ticker;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The client's one state machine: walks the transport ladder, watches the connection, reconnects
 * with backoff, probes upward from {@code FALLBACK} and switches without loss, resubscribes from
 * the last positions, drops duplicates, reports gaps and drives the outbox.
 *
 * <p>Threading: every method except {@link #claim}, {@link #release}, {@link #status()} and {@link
 * #transport()} runs on the {@link EventLoop}; transports' callbacks are handed to the loop by
 * {@link Link}. User code is only ever called through {@link Delivery}, on the dispatcher.
 *
 * <p>Roles (after Lettuce's split): {@link TransportLadder} decides what to try, {@link Backoff}
 * how long to wait, {@link HeartbeatWatchdog} when a connection is dead, {@link Outbox} what to
 * resend; this class sequences them.
 */
final class ConnectionSupervisor {
  private static final Logger LOG = System.getLogger(ConnectionSupervisor.class.getName());

  /** Round-trip samples above this are discarded as clock confusion. */
  private static final long MAX_ROUND_TRIP_MILLIS = 600_000;

  /** The longest {@code Retry-After} honoured; a server asking for more gets this. */
  static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

  private enum Role {
    /** Tried by a connection round while there is no connection. */
    MAIN,
    /** Opened beside the current connection (probe or migration); replaces it once ready. */
    CANDIDATE
  }

  private final ClientOptions options;
  private final EventLoop loop;
  private final Ticker ticker;
  private final TransportSet transports;
  private final Delivery delivery;
  private final ClientStats stats;
  private final Outbox outbox;
  private final TransportLadder ladder;
  private final Backoff backoff;
  private final HeartbeatWatchdog watchdog;
  private final long originNanos;

  /** Active subscriptions by channel, for the API's duplicate check. Any thread. */
  private final ConcurrentMap<String, RealSubscription> claims = new ConcurrentHashMap<>();

  // Everything below is loop only.
  private final Map<String, RealSubscription> subscriptions = new LinkedHashMap<>();
  private final List<CompletableFuture<Void>> connectWaiters = new ArrayList<>();
  private volatile ConnectionStatus status = ConnectionStatus.DISCONNECTED;
  private volatile Transport transport;
  private Transport reportedTransport;
  private Link current;
  private Link pending;
  private Link candidate;
  private List<Transport> round = List.of();
  private int roundIndex;
  private List<Transport> candidateOrder = List.of();
  private int candidateIndex;
  private boolean probing;
  private Cancellable retryTimer;
  private Cancellable probeTimer;
  private Cancellable stableTimer;
  private Cancellable pingTimer;
  private Cancellable migrationTimer;
  private String token;
  private boolean tokenKnown;
  private int authRetries;

  /** The longest {@code Retry-After} a server named since the last round was scheduled. */
  private Duration serverDelay;

  private boolean started;
  private boolean closed;
  private ParleyException terminal;
  private ParleyException lastFailure;
  private long requestCounter;

  ConnectionSupervisor(
      ClientOptions options,
      EventLoop loop,
      Ticker ticker,
      TransportSet transports,
      Delivery delivery,
      ClientStats stats,
      Outbox outbox) {
    this.options = options;
    this.loop = loop;
    this.ticker = ticker;
    this.transports = transports;
    this.delivery = delivery;
    this.stats = stats;
    this.outbox = outbox;
    this.ladder =
        new TransportLadder(
            options.transports(), options.failureThreshold(), options.skipDuration(), ticker);
    this.backoff = new Backoff(options.backoff());
    this.watchdog = new HeartbeatWatchdog(loop, ticker);
    this.originNanos = ticker.nanoTime();
  }

  ConnectionStatus status() {
    return status;
  }

  Transport transport() {
    return transport;
  }

  /** Reserves {@code subscription}'s channel; false when another subscription holds it. */
  boolean claim(RealSubscription subscription) {
    return claims.putIfAbsent(subscription.channel(), subscription) == null;
  }

  /** Frees the channel held by {@code subscription}. */
  void release(RealSubscription subscription) {
    claims.remove(subscription.channel(), subscription);
  }

  // ---------------------------------------------------------------- API entry points (loop only)

  void start(CompletableFuture<Void> result) {
    if (closed) {
      delivery.fail(result, new ClientClosedException());
      return;
    }
    if (terminal != null) {
      delivery.fail(result, terminal);
      return;
    }
    if (current != null) {
      delivery.complete(result, null);
      return;
    }
    connectWaiters.add(result);
    if (started) {
      return;
    }
    started = true;
    setStatus(ConnectionStatus.CONNECTING, null);
    beginRound();
  }

  void subscribe(RealSubscription subscription) {
    if (closed || terminal != null || !subscription.isActive()) {
      subscription.deactivate();
      release(subscription);
      return;
    }
    subscriptions.put(subscription.channel(), subscription);
    if (current != null) {
      sendSubscribe(current, subscription);
    }
    syncCandidate();
  }

  void unsubscribe(RealSubscription subscription, CompletableFuture<Void> done) {
    if (subscriptions.get(subscription.channel()) == subscription) {
      String channel = subscription.channel();
      subscriptions.remove(channel);
      for (Link link : new Link[] {current, candidate}) {
        if (link == null) {
          continue;
        }
        // A late answer to the old request must not be taken for a new subscription's.
        link.subscribeRequests.values().removeIf(channel::equals);
        if (link.established && link.requested.remove(channel)) {
          link.confirmed.remove(subscription.channel());
          link.connection.send(new ClientFrame.Unsubscribe(nextId("u"), subscription.channel()));
        }
      }
      syncCandidate();
    }
    delivery.complete(done, null);
  }

  void publish(Outbox.Entry entry) {
    if (closed) {
      outbox.release();
      delivery.fail(entry.result, new ClientClosedException());
      return;
    }
    if (terminal != null) {
      outbox.release();
      delivery.fail(entry.result, terminal);
      return;
    }
    outbox.add(entry);
    if (current != null) {
      send(current, entry);
    }
  }

  /** Closes everything; queues the final status change. Resources are released by the caller. */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    cancelTimers();
    retireAll();
    changeTransport(null);
    stats.down();
    for (RealSubscription subscription : subscriptions.values()) {
      subscription.deactivate();
    }
    subscriptions.clear();
    claims.clear();
    ClientClosedException cause = new ClientClosedException();
    failWaitersAndOutbox(cause);
    setStatus(ConnectionStatus.DISCONNECTED, null);
  }

  // ---------------------------------------------------------------- rounds

  private void beginRound() {
    retryTimer = null;
    if (!tokenKnown) {
      try {
        token = options.tokenSupplier().token();
        tokenKnown = true;
      } catch (RuntimeException e) {
        ConnectionException cause =
            new ConnectionException("the token supplier failed: " + e, null, null, e);
        stats.attemptFailed(cause);
        roundFailed(cause);
        return;
      }
    }
    round = ladder.roundOrder();
    roundIndex = 0;
    tryNextInRound();
  }

  private void tryNextInRound() {
    retryTimer = null;
    if (roundIndex >= round.size()) {
      roundFailed(lastFailure);
      return;
    }
    pending = open(round.get(roundIndex++), Role.MAIN);
  }

  private void attemptFailed(Link link, ParleyException cause) {
    stats.attemptFailed(cause);
    lastFailure = cause;
    if (cause instanceof AuthenticationException rejected) {
      if (renewToken(rejected)) {
        if (authRetries == 1) {
          beginRound();
        } else {
          roundFailed(rejected);
        }
      }
      return;
    }
    Duration retryAfter = retryAfter(cause);
    if (retryAfter != null) {
      // The server is there but busy: other transports would reach the same busy server, so the
      // round ends here and the next one waits at least as long as it asked.
      noSoonerThan(retryAfter);
      roundFailed(cause);
      return;
    }
    ladder.recordFailure(link.kind);
    if (!options.fallbackDelay().isZero() && roundIndex < round.size()) {
      retryTimer = loop.schedule(options.fallbackDelay(), this::tryNextInRound);
    } else {
      tryNextInRound();
    }
  }

  /** Every rung failed (or the connection was lost): wait, then start a new round. */
  private void roundFailed(ParleyException cause) {
    int max = options.maxAttempts();
    if (max != ClientOptions.UNLIMITED_ATTEMPTS && backoff.attempt() >= max) {
      giveUp(
          new ConnectionException(
              "gave up after "
                  + max
                  + " retry rounds"
                  + (cause == null ? "" : "; last failure: " + cause.getMessage()),
              null,
              null,
              cause));
      return;
    }
    Duration delay = backoff.nextDelay();
    if (serverDelay != null && serverDelay.compareTo(delay) > 0) {
      delay = serverDelay;
    }
    serverDelay = null;
    setStatus(ConnectionStatus.RECONNECTING, cause);
    delivery.reconnectScheduled(new ReconnectScheduled(backoff.attempt(), delay, cause));
    retryTimer = loop.schedule(delay, this::beginRound);
  }

  /**
   * Asks the supplier for a new token after a rejection. Returns whether to retry; when the
   * supplier has nothing new, the client gives up with the rejection.
   */
  private boolean renewToken(AuthenticationException rejection) {
    String fresh;
    try {
      fresh = options.tokenSupplier().token();
    } catch (RuntimeException e) {
      rejection.addSuppressed(e);
      giveUp(rejection);
      return false;
    }
    if (fresh == null || fresh.equals(token)) {
      giveUp(rejection);
      return false;
    }
    token = fresh;
    authRetries++;
    return true;
  }

  /**
   * The server says the connection's token has expired and waits a grace period for a fresh one
   * in-band: ask the supplier and send the answer on this connection, which stays up with its
   * subscriptions, positions and outbox. As after a rejection the supplier is asked once: the same
   * token (or none) cannot pass, so the client gives up with {@code TOKEN_EXPIRED}. A supplier that
   * throws counts as a failed connection: the client reconnects after the backoff delay and asks it
   * again then.
   */
  private void refreshToken(Link link, ServerFrame.Error request) {
    String fresh;
    try {
      fresh = options.tokenSupplier().token();
    } catch (RuntimeException e) {
      tokenKnown = false;
      linkFailed(
          link,
          new ConnectionException(
              "the server asked for a fresh token and the token supplier failed: " + e,
              link.kind,
              ErrorCode.TOKEN_REFRESH_REQUIRED,
              e));
      return;
    }
    if (fresh == null || fresh.equals(link.token)) {
      giveUp(
          new AuthenticationException(
              "the token expired and the token supplier has no other (" + request.message() + ")",
              ErrorCode.TOKEN_EXPIRED,
              link.kind));
      return;
    }
    LOG.log(Level.DEBUG, "sending a fresh token on {0}", link.kind);
    link.token = fresh;
    token = fresh;
    link.connection.send(new ClientFrame.Auth(fresh));
  }

  /** The server's {@code Retry-After} carried by {@code cause}, capped, or {@code null}. */
  private static Duration retryAfter(ParleyException cause) {
    if (!(cause instanceof ConnectionException connection)) {
      return null;
    }
    Duration asked = connection.retryAfter().orElse(null);
    if (asked == null || asked.isNegative()) {
      return null;
    }
    return asked.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : asked;
  }

  /** The next round starts no sooner than {@code delay} from when it is scheduled. */
  private void noSoonerThan(Duration delay) {
    if (delay != null && (serverDelay == null || delay.compareTo(serverDelay) > 0)) {
      serverDelay = delay;
    }
  }

  private void giveUp(ParleyException cause) {
    terminal = cause;
    cancelTimers();
    retireAll();
    changeTransport(null);
    stats.down();
    for (RealSubscription subscription : subscriptions.values()) {
      subscription.deactivate();
    }
    setStatus(ConnectionStatus.FAILED, cause);
    failWaitersAndOutbox(cause);
  }

  // ---------------------------------------------------------------- links

  private Link open(Transport kind, Role role) {
    Link link = new Link(kind, role);
    link.token = token;
    link.connectTimer = loop.schedule(options.connectTimeout(), () -> connectTimedOut(link));
    try {
      link.connection =
          transports.get(kind).open(new ConnectRequest(token, options.clientId()), link);
    } catch (RuntimeException e) {
      ConnectionException cause =
          new ConnectionException("cannot open " + kind + ": " + e.getMessage(), kind, null, e);
      loop.execute(() -> linkFailed(link, cause));
    }
    return link;
  }

  private void connectTimedOut(Link link) {
    if (link.retired || (link.role == Role.MAIN && link.established)) {
      return;
    }
    linkFailed(
        link,
        new ConnectionException(
            link.kind
                + " did not "
                + (link.established ? "get ready" : "connect")
                + " within "
                + options.connectTimeout(),
            link.kind,
            null,
            null));
  }

  /** A link failed or was closed by the server: route by its role. Loop only. */
  private void linkFailed(Link link, ParleyException cause) {
    if (link.retired || closed) {
      return;
    }
    retire(link);
    if (link == pending) {
      pending = null;
      attemptFailed(link, cause);
    } else if (link == candidate) {
      candidate = null;
      candidateFailed(link, cause);
    } else if (link == current) {
      current = null;
      connectionLost(link, cause);
    }
  }

  private void retire(Link link) {
    link.retired = true;
    if (link.connectTimer != null) {
      link.connectTimer.cancel();
    }
    if (link.connection != null) {
      link.connection.close();
    }
  }

  private void retireAll() {
    for (Link link : new Link[] {pending, candidate, current}) {
      if (link != null) {
        retire(link);
      }
    }
    pending = null;
    candidate = null;
    current = null;
  }

  private void established(Link link, ServerFrame.Welcome welcome) {
    link.established = true;
    link.welcome = welcome;
    link.establishedAt = ticker.nanoTime();
    link.lastHeard = link.establishedAt;
    if (link.role == Role.MAIN) {
      link.connectTimer.cancel();
      pending = null;
      authRetries = 0;
      becomeCurrent(link, null);
    } else {
      syncCandidate();
    }
  }

  private void becomeCurrent(Link link, Link previous) {
    stopConnectionTimers();
    current = link;
    stats.connected(previous != null);
    if (previous != null) {
      retire(previous);
    }
    ConnectionStatus next =
        link.kind == ladder.best() ? ConnectionStatus.CONNECTED : ConnectionStatus.FALLBACK;
    if (next == ConnectionStatus.FALLBACK && status != ConnectionStatus.FALLBACK) {
      stats.fallback();
    }
    changeTransport(link.kind);
    setStatus(next, null);
    if (previous == null) {
      for (RealSubscription subscription : subscriptions.values()) {
        sendSubscribe(link, subscription);
      }
    }
    for (Outbox.Entry entry : outbox.entries()) {
      if (entry.retry == null) {
        send(link, entry);
      }
    }
    watchdog.watch(() -> link.lastHeard, heartbeatDeadline(link.welcome), () -> silent(link));
    stableTimer = loop.schedule(options.stablePeriod(), () -> stable(link));
    schedulePing(link);
    scheduleProbe();
    for (CompletableFuture<Void> waiter : connectWaiters) {
      delivery.complete(waiter, null);
    }
    connectWaiters.clear();
  }

  private void connectionLost(Link link, ParleyException cause) {
    stopConnectionTimers();
    abandonCandidate();
    stats.connectionLost(cause);
    lastFailure = cause;
    if (ticker.nanoTime() - link.establishedAt < options.stablePeriod().toNanos()) {
      ladder.recordFailure(link.kind);
    }
    changeTransport(null);
    noSoonerThan(retryAfter(cause));
    if (cause instanceof AuthenticationException rejected) {
      if (renewToken(rejected)) {
        if (authRetries == 1) {
          setStatus(ConnectionStatus.RECONNECTING, rejected);
          beginRound();
        } else {
          roundFailed(rejected);
        }
      }
      return;
    }
    roundFailed(cause);
  }

  private void silent(Link link) {
    Duration deadline = heartbeatDeadline(link.welcome);
    linkFailed(
        link,
        new ConnectionException(
            "nothing heard from the server for " + deadline + " on " + link.kind,
            link.kind,
            null,
            null));
  }

  /**
   * The connection stayed up for the stable period: only now do the backoff and its transport's
   * failure count start over, so a transport that connects but keeps dropping is still skipped.
   */
  private void stable(Link link) {
    stableTimer = null;
    if (current == link) {
      backoff.reset();
      ladder.recordSuccess(link.kind);
    }
  }

  private Duration heartbeatDeadline(ServerFrame.Welcome welcome) {
    if (options.heartbeatTimeout() != null) {
      return options.heartbeatTimeout();
    }
    // timeoutMs is already the longest silence the server allows (docs/protocol.md, Heartbeats):
    // it pings every intervalMs well within it. Transports without a native welcome synthesize a
    // timeoutMs with the same meaning.
    return Duration.ofMillis(welcome.heartbeat().timeoutMs());
  }

  // ---------------------------------------------------------------- candidates: probe, migration

  private void scheduleProbe() {
    if (status != ConnectionStatus.FALLBACK || probeTimer != null || candidate != null) {
      return;
    }
    probeTimer = loop.schedule(options.probeInterval(), this::probe);
  }

  private void probe() {
    probeTimer = null;
    if (current == null || candidate != null) {
      return;
    }
    List<Transport> better = ladder.above(current.kind);
    if (better.isEmpty()) {
      return;
    }
    probing = true;
    candidateOrder = better;
    candidateIndex = 0;
    tryNextCandidate();
  }

  private void reconnectHint(Link link, ServerFrame.Reconnect hint) {
    if (link != current || migrationTimer != null) {
      return;
    }
    LOG.log(
        Level.INFO,
        "server asked to reconnect in {0} ms ({1}); migrating",
        hint.afterMs(),
        hint.reason());
    migrationTimer =
        loop.schedule(
            Duration.ofMillis(hint.afterMs()),
            () -> {
              migrationTimer = null;
              if (current != link) {
                return;
              }
              abandonCandidate();
              if (probeTimer != null) {
                probeTimer.cancel();
                probeTimer = null;
              }
              probing = false;
              candidateOrder = ladder.roundOrder();
              candidateIndex = 0;
              tryNextCandidate();
            });
  }

  private void tryNextCandidate() {
    if (current == null) {
      return;
    }
    if (candidateIndex < candidateOrder.size()) {
      candidate = open(candidateOrder.get(candidateIndex++), Role.CANDIDATE);
      return;
    }
    candidate = null;
    if (probing) {
      scheduleProbe();
    }
  }

  private void candidateFailed(Link link, ParleyException cause) {
    stats.attemptFailed(cause);
    ladder.recordFailure(link.kind);
    LOG.log(Level.DEBUG, "candidate {0} failed: {1}", link.kind, cause.getMessage());
    tryNextCandidate();
  }

  private void abandonCandidate() {
    if (candidate != null) {
      retire(candidate);
      candidate = null;
    }
    candidateOrder = List.of();
    candidateIndex = 0;
  }

  /**
   * Brings the candidate up to date: subscribes it to every channel whose position is known (from
   * that position, so its replay overlaps what the current connection delivered and duplicates are
   * dropped by seq), and promotes it once every channel is confirmed on it.
   */
  private void syncCandidate() {
    Link link = candidate;
    if (link == null || !link.established || link.retired) {
      return;
    }
    boolean ready = true;
    for (RealSubscription subscription : subscriptions.values()) {
      String channel = subscription.channel();
      if (!link.requested.contains(channel)) {
        if (subscription.position == null) {
          // Started live and not confirmed yet on the current connection: wait for its position,
          // or the candidate would start live later and miss what came in between.
          ready = false;
          continue;
        }
        sendSubscribe(link, subscription);
      }
      if (!link.confirmed.contains(channel)) {
        ready = false;
      }
    }
    if (ready) {
      candidate = null;
      link.connectTimer.cancel();
      probing = false;
      becomeCurrent(link, current);
    }
  }

  // ---------------------------------------------------------------- frames

  private void onFrame(Link link, ServerFrame frame) {
    if (closed || link.retired) {
      return;
    }
    if (!link.established) {
      if (frame instanceof ServerFrame.Welcome welcome) {
        established(link, welcome);
      } else if (frame instanceof ServerFrame.Error error) {
        linkFailed(link, errorCause(link.kind, error));
      } else {
        LOG.log(Level.DEBUG, "ignoring {0} before welcome on {1}", frame.type(), link.kind);
      }
      return;
    }
    link.lastHeard = ticker.nanoTime();
    if (frame instanceof ServerFrame.Message message) {
      message(link, message);
    } else if (frame instanceof ServerFrame.Ping ping) {
      link.connection.send(new ClientFrame.Pong(ping.ts()));
    } else if (frame instanceof ServerFrame.Subscribed subscribed) {
      subscribed(link, subscribed);
    } else if (frame instanceof ServerFrame.Gap gap) {
      gap(gap);
    } else if (frame instanceof ServerFrame.Ack ack) {
      acked(ack.id(), ack.seq(), ack.epoch());
    } else if (frame instanceof ServerFrame.Error error) {
      error(link, error);
    } else if (frame instanceof ServerFrame.Pong pong) {
      roundTrip(pong);
    } else if (frame instanceof ServerFrame.Reconnect hint) {
      reconnectHint(link, hint);
    } else {
      LOG.log(Level.DEBUG, "ignoring {0} on {1}", frame.type(), link.kind);
    }
  }

  private void message(Link link, ServerFrame.Message frame) {
    RealSubscription subscription = subscriptions.get(frame.channel());
    if (subscription == null) {
      LOG.log(Level.DEBUG, "message for unsubscribed channel {0}", frame.channel());
      return;
    }
    if (subscription.rereading) {
      return; // the new subscription replays it
    }
    Position position = subscription.position;
    if (position != null && position.seq() == 0 && !frame.epoch().equals(position.epoch())) {
      // Seq 0 is "before the first message" in any epoch (the server replays from the start
      // whatever the epoch), so a channel that restarted before its first message lost nothing.
      position = new Position(frame.epoch(), 0);
    }
    if (position != null
        && frame.epoch().equals(position.epoch())
        && frame.seq() <= position.seq()) {
      stats.duplicateDropped();
      return;
    }
    if (position != null
        && !frame.epoch().equals(position.epoch())
        && subscription.confirmedOn != null
        && subscription.confirmedOn != link) {
      // An older connection still sending the previous epoch after a newer one moved on.
      LOG.log(Level.DEBUG, "dropping {0} from a superseded epoch", frame.position());
      return;
    }
    if (delivery.depth() >= options.dispatchCapacity()) {
      linkFailed(
          link,
          new ConnectionException(
              "handlers are too slow: "
                  + options.dispatchCapacity()
                  + " calls are waiting; resuming "
                  + frame.channel()
                  + " from "
                  + position
                  + " later",
              link.kind,
              ErrorCode.SLOW_CONSUMER,
              null));
      return;
    }
    if (position != null
        && frame.epoch().equals(position.epoch())
        && frame.seq() > position.seq() + 1
        && subscription.confirmedOn == link) {
      // Lost in transit while the connection survived (a reset can lose an Engine.IO polling
      // response after the server wrote it): the server's history still has it, so read the
      // channel again from the position rather than report a gap. A real hole comes back as an
      // explicit gap.
      reread(link, subscription);
      return;
    }
    if (position != null
        && (!frame.epoch().equals(position.epoch()) || frame.seq() > position.seq() + 1)) {
      // The server skipped without saying so: report it rather than hide it.
      deliverGap(subscription, position, new Position(frame.epoch(), frame.seq() - 1));
    }
    subscription.position = frame.position();
    stats.messageAccepted();
    delivery.message(
        subscription,
        new Message(
            frame.channel(),
            frame.epoch(),
            frame.seq(),
            frame.event(),
            frame.data().toString(),
            frame.ts()));
  }

  private void gap(ServerFrame.Gap frame) {
    RealSubscription subscription = subscriptions.get(frame.channel());
    if (subscription == null) {
      return;
    }
    Position position = subscription.position;
    if (position != null
        && position.epoch().equals(frame.to().epoch())
        && frame.to().seq() <= position.seq()) {
      return;
    }
    deliverGap(subscription, position != null ? position : frame.from(), frame.to());
  }

  private void deliverGap(RealSubscription subscription, Position from, Position to) {
    subscription.position = to;
    stats.gapSeen();
    delivery.gap(subscription, new Gap(subscription.channel(), from, to));
  }

  private void subscribed(Link link, ServerFrame.Subscribed frame) {
    String channel = link.subscribeRequests.remove(frame.id());
    if (channel == null) {
      LOG.log(Level.DEBUG, "subscribed for unknown request {0}", frame.id());
      return;
    }
    RealSubscription subscription = subscriptions.get(channel);
    if (subscription == null) {
      return;
    }
    link.confirmed.add(channel);
    subscription.confirmedOn = link;
    subscription.retries = 0;
    subscription.rereading = false;
    if (subscription.position == null) {
      subscription.position = frame.position();
    }
    syncCandidate();
  }

  private void error(Link link, ServerFrame.Error error) {
    if (error.id() != null) {
      Outbox.Entry entry = outbox.get(error.id());
      if (entry != null) {
        publishFailed(entry, error);
        return;
      }
      String channel = link.subscribeRequests.remove(error.id());
      if (channel != null) {
        subscribeFailed(link, channel, error);
        return;
      }
      LOG.log(Level.DEBUG, "error for unknown request {0}: {1}", error.id(), error.message());
      return;
    }
    if (error.code() == ErrorCode.TOKEN_REFRESH_REQUIRED) {
      refreshToken(link, error);
      return;
    }
    ParleyException cause = errorCause(link.kind, error);
    if (error.category() == ErrorCategory.AUTHENTICATION
        || error.category() == ErrorCategory.CONNECTION) {
      linkFailed(link, cause);
      return;
    }
    link.errors++;
    LOG.log(Level.WARNING, "server error on {0}: {1}", link.kind, error.message());
    if (link.errors >= options.failureThreshold()) {
      linkFailed(link, cause);
    }
  }

  private void publishFailed(Outbox.Entry entry, ServerFrame.Error error) {
    if (error.retryable()) {
      if (entry.retry == null) {
        Duration delay = options.backoff().delay(Math.max(1, Math.min(entry.sends, 30)));
        entry.retry = loop.schedule(delay, () -> resend(entry));
      }
      return;
    }
    outbox.remove(entry.id);
    delivery.fail(
        entry.result,
        new PublishRejectedException(
            error.message(), entry.channel, entry.id, error.code(), error.field(), 0, false));
  }

  private void resend(Outbox.Entry entry) {
    entry.retry = null;
    if (current != null && outbox.get(entry.id) == entry) {
      send(current, entry);
    }
  }

  private void subscribeFailed(Link link, String channel, ServerFrame.Error error) {
    link.requested.remove(channel);
    RealSubscription subscription = subscriptions.get(channel);
    if (subscription == null) {
      return;
    }
    if (error.code() == ErrorCode.ALREADY_SUBSCRIBED) {
      link.requested.add(channel);
      link.confirmed.add(channel);
      syncCandidate();
      return;
    }
    if (error.retryable()) {
      Duration delay = options.backoff().delay(Math.max(1, Math.min(++subscription.retries, 30)));
      loop.schedule(
          delay,
          () -> {
            if (!link.retired
                && subscriptions.get(channel) == subscription
                && !link.requested.contains(channel)) {
              sendSubscribe(link, subscription);
            }
          });
      return;
    }
    subscriptions.remove(channel);
    subscription.deactivate();
    release(subscription);
    for (Link other : new Link[] {current, candidate}) {
      if (other != null && other != link && other.requested.remove(channel)) {
        other.confirmed.remove(channel);
        other.connection.send(new ClientFrame.Unsubscribe(nextId("u"), channel));
      }
    }
    delivery.rejected(
        subscription,
        new SubscriptionRejectedException(
            "the server refused the subscription to " + channel + ": " + error.message(),
            channel,
            error.code(),
            error.field()));
    syncCandidate();
  }

  private void acked(String id, long seq, String epoch) {
    if (closed) {
      return;
    }
    Outbox.Entry entry = outbox.remove(id);
    if (entry == null) {
      return;
    }
    if (entry.retry != null) {
      entry.retry.cancel();
      entry.retry = null;
    }
    delivery.complete(entry.result, new Ack(entry.channel, id, seq, epoch));
  }

  private void roundTrip(ServerFrame.Pong pong) {
    long sentAtMillis = pong.ts();
    long nowMillis = Duration.ofNanos(ticker.nanoTime() - originNanos).toMillis();
    long millis = nowMillis - sentAtMillis;
    if (millis >= 0 && millis <= MAX_ROUND_TRIP_MILLIS) {
      stats.roundTrip(Duration.ofMillis(millis));
    }
  }

  private void schedulePing(Link link) {
    pingTimer =
        loop.schedule(
            options.pingInterval(),
            () -> {
              pingTimer = null;
              if (current != link) {
                return;
              }
              long millis = Duration.ofNanos(ticker.nanoTime() - originNanos).toMillis();
              link.connection.send(new ClientFrame.Ping(millis));
              schedulePing(link);
            });
  }

  // ---------------------------------------------------------------- helpers

  /** Subscribes again on {@code link} from the subscription's position; see {@link #message}. */
  private void reread(Link link, RealSubscription subscription) {
    LOG.log(
        Level.DEBUG,
        "re-reading {0} from {1} after a message went missing in transit",
        subscription.channel(),
        subscription.position);
    subscription.rereading = true;
    link.confirmed.remove(subscription.channel());
    link.connection.send(new ClientFrame.Unsubscribe(nextId("u"), subscription.channel()));
    sendSubscribe(link, subscription);
  }

  private void sendSubscribe(Link link, RealSubscription subscription) {
    String id = nextId("s");
    link.subscribeRequests.put(id, subscription.channel());
    link.requested.add(subscription.channel());
    link.connection.send(
        new ClientFrame.Subscribe(id, subscription.channel(), subscription.position));
  }

  private void send(Link link, Outbox.Entry entry) {
    entry.sends++;
    link.connection.send(new ClientFrame.Publish(entry.id, entry.channel, entry.event, entry.data));
  }

  private String nextId(String prefix) {
    return prefix + (++requestCounter);
  }

  private static ParleyException errorCause(Transport kind, ServerFrame.Error error) {
    String message = error.code() + ": " + error.message();
    return switch (error.category()) {
      case AUTHENTICATION -> new AuthenticationException(message, error.code(), kind);
      case PROTOCOL -> new ProtocolException(message, error.code(), error.field());
      default -> new ConnectionException(message, kind, error.code(), null);
    };
  }

  private void setStatus(ConnectionStatus next, ParleyException cause) {
    ConnectionStatus previous = status;
    if (previous == next) {
      return;
    }
    status = next;
    delivery.statusChanged(new StatusChanged(previous, next, cause));
  }

  private void changeTransport(Transport next) {
    transport = next;
    if (reportedTransport == next) {
      return;
    }
    Transport previous = reportedTransport;
    reportedTransport = next;
    stats.transport(next);
    delivery.transportChanged(new TransportChanged(previous, next));
  }

  private void stopConnectionTimers() {
    watchdog.stop();
    for (Cancellable timer :
        new Cancellable[] {stableTimer, pingTimer, probeTimer, migrationTimer}) {
      if (timer != null) {
        timer.cancel();
      }
    }
    stableTimer = null;
    pingTimer = null;
    probeTimer = null;
    migrationTimer = null;
  }

  private void cancelTimers() {
    stopConnectionTimers();
    if (retryTimer != null) {
      retryTimer.cancel();
      retryTimer = null;
    }
    for (Outbox.Entry entry : outbox.entries()) {
      if (entry.retry != null) {
        entry.retry.cancel();
        entry.retry = null;
      }
    }
  }

  private void failWaitersAndOutbox(ParleyException cause) {
    for (CompletableFuture<Void> waiter : connectWaiters) {
      delivery.fail(waiter, cause);
    }
    connectWaiters.clear();
    for (Outbox.Entry entry : outbox.drain()) {
      delivery.fail(entry.result, cause);
    }
  }

  /**
   * One connection attempt or connection, with what the supervisor sent on it. Its listener methods
   * run on transport threads and only hand events to the loop.
   */
  private final class Link implements ClientTransport.Listener {
    final Transport kind;
    final Role role;
    final Map<String, String> subscribeRequests = new HashMap<>();
    final Set<String> requested = new HashSet<>();
    final Set<String> confirmed = new HashSet<>();
    ClientTransport.Connection connection;

    /** The token this connection presented last (on connect or in-band). */
    String token;

    Cancellable connectTimer;
    ServerFrame.Welcome welcome;
    boolean established;
    boolean retired;
    long establishedAt;
    long lastHeard;
    int errors;

    Link(Transport kind, Role role) {
      this.kind = kind;
      this.role = role;
    }

    @Override
    public void onFrame(ServerFrame frame) {
      loop.execute(() -> ConnectionSupervisor.this.onFrame(this, frame));
    }

    @Override
    public void onClosed(ParleyException cause) {
      loop.execute(() -> linkFailed(this, cause));
    }

    @Override
    public String toString() {
      return kind + "/" + role + (established ? "" : " (connecting)") + (retired ? " retired" : "");
    }
  }
}
