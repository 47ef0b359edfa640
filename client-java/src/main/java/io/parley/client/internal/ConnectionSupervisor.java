package io.parley.client.internal;

import io.parley.client.Ack;
import io.parley.client.AuthenticationException;
import io.parley.client.ClientClosedException;
import io.parley.client.ClientOptions;
import io.parley.client.ConnectionException;
import io.parley.client.Gap;
import io.parley.client.Message;
import io.parley.client.ParleyException;
import io.parley.client.ReconnectScheduled;
import io.parley.client.ServerChanged;
import io.parley.client.StatusChanged;
import io.parley.client.TransportChanged;
import io.parley.client.internal.transport.ClientTransport.ConnectRequest;
import io.parley.client.internal.transport.ServerErrors;
import io.parley.client.internal.transport.TransportSet;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ConnectionStatus;
import io.parley.protocol.ErrorCategory;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Position;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.Transport;
import io.parley.protocol.time.Scheduler.Cancellable;
import io.parley.protocol.time.Ticker;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Not thread-safe, run on its {@link EventLoop}: the client's one state machine, which sequences
 * the events of its connections and hands each decision to the role that owns it. It walks the
 * transport ladder, watches the connection, reconnects with backoff, probes upward from {@code
 * FALLBACK} and switches without loss, resubscribes from the last positions, drops duplicates,
 * reports gaps and drives the outbox.
 *
 * <p>Threading: every method except {@link #claim}, {@link #release}, {@link #status()}, {@link
 * #transport()} and {@link #server()} runs on the {@link EventLoop}; transports' callbacks are
 * handed to the loop by {@link Link}. User code is only ever called through {@link Delivery}, on
 * the dispatcher.
 *
 * <p>Roles (after Lettuce's split), each on this loop: {@link ReconnectRounds} says what to try and
 * how long to wait while there is no connection, with {@link ServerList} (which server), {@link
 * TransportLadder} (which transports) and {@link TokenRenewal} (which token); {@link
 * HeartbeatWatchdog} says when a connection is dead; {@link Handover} when and where to open a
 * candidate beside it; {@link Link} is one connection and what was asked on it; {@link
 * ChannelCursor} what each message of a channel means; {@link Outbox} and {@link RequestRetries}
 * what to resend and when. This class only sequences them.
 */
final class ConnectionSupervisor implements Link.Events {
  private static final Logger LOG = System.getLogger(ConnectionSupervisor.class.getName());

  /** Round-trip samples above this are discarded as clock confusion. */
  private static final long MAX_ROUND_TRIP_MILLIS = 600_000;

  private final ClientOptions options;
  private final EventLoop loop;
  private final Ticker ticker;
  private final TransportSet transports;
  private final Delivery delivery;
  private final ClientStats stats;
  private final Outbox outbox;
  private final ServerList servers;
  private final TransportLadder ladder;
  private final ReconnectRounds rounds;
  private final TokenRenewal tokens;
  private final HeartbeatWatchdog watchdog;
  private final Handover handover;
  private final RequestRetries retries;
  private final long originNanos;

  /** Active subscriptions by channel, for the API's duplicate check. Any thread. */
  private final ConcurrentMap<String, RealSubscription> claims = new ConcurrentHashMap<>();

  // Everything below is loop only.
  private final Map<String, RealSubscription> subscriptions = new LinkedHashMap<>();
  private final List<CompletableFuture<Void>> connectWaiters = new ArrayList<>();
  private volatile ConnectionStatus status = ConnectionStatus.DISCONNECTED;
  private volatile Transport transport;
  private Transport reportedTransport;

  /** The server of the current connection; {@code null} while there is none. */
  private volatile URI server;

  /** The server of the last connection reported by {@link ServerChanged}. */
  private URI reportedServer;

  /** Transports the server said it does not offer, reported with the next change of transport. */
  private final Set<Transport> notOffered = EnumSet.noneOf(Transport.class);

  /** The connection in use; {@code null} while there is none. */
  private Link current;

  /** The try of a connection round, while there is no connection. */
  private Link pending;

  /** A connection opened beside {@link #current} by the {@link Handover}. */
  private Link candidate;

  /**
   * The connection a server-asked migration (drain hint) is moving away from; {@code null} when
   * none is under way.
   */
  private Link migrating;

  /**
   * The {@code Retry-After} a candidate of the migration was refused with: when every transport was
   * refused so, the migration is tried again after it.
   */
  private Duration migrationRetryAfter;

  private Cancellable stableTimer;
  private Cancellable pingTimer;
  private boolean started;
  private boolean closed;
  private ParleyException terminal;
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
    this.servers = new ServerList(options.serverUrls());
    this.ladder =
        new TransportLadder(
            options.transports(), options.failureThreshold(), options.skipDuration(), ticker);
    this.rounds =
        new ReconnectRounds(
            ladder, options.backoff(), options.maxAttempts(), options.fallbackDelay(), loop);
    this.tokens = new TokenRenewal(options.tokenSupplier());
    this.watchdog = new HeartbeatWatchdog(loop, ticker);
    this.handover = new Handover(loop, ladder, options.probeInterval());
    this.retries = new RequestRetries(loop, options.backoff());
    this.originNanos = ticker.nanoTime();
  }

  ConnectionStatus status() {
    return status;
  }

  Transport transport() {
    return transport;
  }

  URI server() {
    return server;
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
        if (link.isEstablished()) {
          leave(link, channel);
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
    stopAll();
    subscriptions.clear();
    claims.clear();
    ClientClosedException cause = new ClientClosedException();
    failWaitersAndOutbox(cause);
    setStatus(ConnectionStatus.DISCONNECTED, null);
  }

  /** Ends the client for good with {@code cause}: only {@link #close()} is left to do. */
  private void giveUp(ParleyException cause) {
    terminal = cause;
    stopAll();
    setStatus(ConnectionStatus.FAILED, cause);
    failWaitersAndOutbox(cause);
  }

  /**
   * What closing and giving up share: every timer and connection stops and every subscription ends.
   * They differ only in what follows (the status they report, and whether the channels are freed).
   */
  private void stopAll() {
    stopConnectionTimers();
    rounds.cancel();
    for (Outbox.Entry entry : outbox.entries()) {
      retries.cancel(entry);
    }
    for (Link link : new Link[] {pending, candidate, current}) {
      if (link != null) {
        link.retire();
      }
    }
    pending = null;
    candidate = null;
    current = null;
    changeTransport(null);
    stats.down();
    for (RealSubscription subscription : subscriptions.values()) {
      subscription.deactivate();
    }
  }

  // ---------------------------------------------------------------- rounds

  private void beginRound() {
    ConnectionException noToken = tokens.prepare();
    if (noToken != null) {
      stats.attemptFailed(noToken);
      roundFailed(noToken);
      return;
    }
    rounds.begin();
    tryNextInRound();
  }

  private void tryNextInRound() {
    Transport next = rounds.next();
    if (next == null) {
      serverFailed(rounds.lastFailure());
      return;
    }
    pending = open(servers.current(), next, Link.Role.MAIN);
  }

  private void attemptFailed(Link link, ParleyException cause) {
    stats.attemptFailed(cause);
    rounds.failed(cause);
    if (cause instanceof AuthenticationException refusal) {
      tokenRefused(refusal);
      return;
    }
    Duration retryAfter = ReconnectRounds.retryAfter(cause);
    if (retryAfter != null) {
      // The server is there but busy: other transports would reach the same busy server, so the
      // round ends here; another server may take the client at once, and the next backoff waits at
      // least as long as it asked.
      rounds.noSoonerThan(retryAfter);
      serverFailed(cause);
      return;
    }
    if (cause instanceof ConnectionException refused
        && refused.code() == ErrorCode.TRANSPORT_DISABLED) {
      // Not a failure of the network or of the server: this rung is not offered here. No fallback
      // delay, no count towards the threshold; the next change of transport says so.
      ladder.notOffered(link.kind);
      notOffered.add(link.kind);
      tryNextInRound();
      return;
    }
    ladder.recordFailure(link.kind);
    rounds.tryNextAfterFallbackDelay(this::tryNextInRound);
  }

  /**
   * A round failed on every rung of its server, or the server said it is busy: the rounds move to
   * the next server of the list (see {@link ServerList}). Its round starts at once unless every
   * server failed since the client last backed off or connected; then the client backs off. A
   * client with one server backs off, as it always did.
   */
  private void serverFailed(ParleyException cause) {
    URI failed = servers.current();
    boolean atOnce = servers.roundFailed();
    if (servers.isList()) {
      // Failure counts, skips and "not offered" describe the node that failed, not the next one.
      ladder.reset();
      LOG.log(
          Level.INFO,
          "no transport reached {0}; moving to {1}{2}",
          failed,
          servers.current(),
          atOnce ? "" : " after the backoff delay");
    }
    if (!atOnce) {
      roundFailed(cause);
      return;
    }
    setStatus(ConnectionStatus.RECONNECTING, cause);
    beginRound();
  }

  /** Every rung failed (or the connection was lost): wait, then start a new round. */
  private void roundFailed(ParleyException cause) {
    if (rounds.exhausted()) {
      giveUp(rounds.gaveUp(cause));
      return;
    }
    servers.backedOff();
    ReconnectScheduled scheduled = rounds.schedule(cause, this::beginRound);
    setStatus(ConnectionStatus.RECONNECTING, cause);
    delivery.reconnectScheduled(scheduled);
  }

  /**
   * The server refused the token, on connecting or on an open connection: the supplier is asked
   * once for another; a fresh one is tried at once the first time, after the backoff delay when
   * fresh tokens keep being refused; with nothing fresh the client gives up with the refusal.
   */
  private void tokenRefused(AuthenticationException refusal) {
    switch (tokens.renewAfter(refusal)) {
      case GIVE_UP -> giveUp(refusal);
      case RETRY_AFTER_BACKOFF -> roundFailed(refusal);
      case RETRY_NOW -> {
        if (status == ConnectionStatus.CONNECTED || status == ConnectionStatus.FALLBACK) {
          // A client that had a connection is reconnecting; one still in its first round stays
          // CONNECTING.
          setStatus(ConnectionStatus.RECONNECTING, refusal);
        }
        beginRound();
      }
    }
  }

  /**
   * The server says the connection's token has expired and waits a grace period for a fresh one
   * in-band: the connection stays up with its subscriptions, positions and outbox when the supplier
   * has one (see {@link TokenRenewal#refreshInBand}).
   */
  private void refreshToken(Link link, ServerFrame.Error request) {
    ParleyException failure = tokens.refreshInBand(link.token, link.kind, request.message());
    if (failure instanceof AuthenticationException expired) {
      giveUp(expired);
    } else if (failure != null) {
      linkFailed(link, failure);
    } else {
      LOG.log(Level.DEBUG, "sending a fresh token on {0}", link.kind);
      link.token = tokens.token();
      link.connection.send(new ClientFrame.Auth(link.token));
    }
  }

  // ---------------------------------------------------------------- links

  private Link open(URI server, Transport kind, Link.Role role) {
    Link link = new Link(server, kind, role, tokens.token(), loop, this);
    link.connectTimer = loop.schedule(options.connectTimeout(), () -> connectTimedOut(link));
    try {
      link.connection =
          transports
              .get(server, kind)
              .open(new ConnectRequest(link.token, options.clientId()), link);
    } catch (RuntimeException e) {
      ConnectionException cause =
          new ConnectionException(
              "cannot open " + kind + " to " + server + ": " + e.getMessage(), kind, null, e);
      loop.execute(() -> linkFailed(link, cause));
    }
    return link;
  }

  private void connectTimedOut(Link link) {
    if (link.isRetired() || (link.role == Link.Role.MAIN && link.isEstablished())) {
      return;
    }
    linkFailed(
        link,
        new ConnectionException(
            link.kind
                + " did not "
                + (link.isEstablished() ? "get ready" : "connect")
                + " within "
                + options.connectTimeout(),
            link.kind,
            null,
            null));
  }

  /** A link failed or was closed by the server: route by its role. */
  @Override
  public void onClosed(Link link, ParleyException cause) {
    linkFailed(link, cause);
  }

  private void linkFailed(Link link, ParleyException cause) {
    if (link.isRetired() || closed) {
      return;
    }
    link.retire();
    if (link != candidate && ReconnectRounds.forbidsReturn(cause)) {
      // An operator disconnected this client and asked it not to come back: no retry, on any
      // transport. stopAll (in giveUp) retires what is left.
      if (link == current) {
        stats.connectionLost(cause);
      } else {
        stats.attemptFailed(cause);
      }
      giveUp(cause);
      return;
    }
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

  private void established(Link link, ServerFrame.Welcome welcome) {
    link.established(welcome, ticker.nanoTime());
    if (link.role == Link.Role.MAIN) {
      link.connectTimer.cancel();
      pending = null;
      tokens.connected();
      rounds.connected();
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
      previous.retire();
      if (!previous.server.equals(link.server)) {
        // A migration moved to another server: what the ladder learnt was about the old one.
        ladder.reset();
      }
    }
    servers.connectedTo(link.server);
    server = link.server;
    changeServer(link.server);
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
    watchdog.watch(link::lastHeard, heartbeatDeadline(link.welcome()), () -> silent(link));
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
    rounds.failed(cause);
    if (ticker.nanoTime() - link.establishedAt() < options.stablePeriod().toNanos()) {
      ladder.recordFailure(link.kind);
    }
    changeTransport(null);
    rounds.noSoonerThan(ReconnectRounds.retryAfter(cause));
    if (cause instanceof AuthenticationException refusal) {
      tokenRefused(refusal);
      return;
    }
    roundFailed(cause);
  }

  private void silent(Link link) {
    Duration deadline = heartbeatDeadline(link.welcome());
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
      rounds.stable();
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
    if (status != ConnectionStatus.FALLBACK || candidate != null) {
      return;
    }
    handover.scheduleProbe(this::probe);
  }

  private void probe() {
    if (current == null || candidate != null) {
      return;
    }
    if (handover.startProbe(current.kind)) {
      tryNextCandidate();
    }
  }

  private void reconnectHint(Link link, ServerFrame.Reconnect hint) {
    if (link != current || handover.migrationScheduled()) {
      return;
    }
    LOG.log(
        Level.INFO,
        "server asked to reconnect in {0} ms ({1}); migrating",
        hint.afterMs(),
        hint.reason());
    migrationRetryAfter = null;
    scheduleMigration(link, Duration.ofMillis(hint.afterMs()));
  }

  private void scheduleMigration(Link link, Duration delay) {
    handover.scheduleMigration(
        delay,
        () -> {
          if (current != link) {
            return;
          }
          abandonCandidate();
          handover.startMigration();
          migrating = link;
          tryNextCandidate();
        });
  }

  private void tryNextCandidate() {
    if (current == null) {
      return;
    }
    Transport next = handover.nextCandidate();
    if (next != null) {
      // A probe looks for a better transport to the same server; a migration leaves the server
      // that asked for it for the next one of the list (the same one when it is alone).
      URI target = handover.isProbing() ? current.server : servers.after(current.server);
      candidate = open(target, next, Link.Role.CANDIDATE);
      return;
    }
    candidate = null;
    if (handover.isProbing()) {
      scheduleProbe();
    } else if (migrating == current && migrationRetryAfter != null) {
      // Every transport was refused with a Retry-After (the draining node itself, reached again):
      // try to move again after it, until the server closes the connection.
      Duration delay = migrationRetryAfter;
      migrationRetryAfter = null;
      scheduleMigration(current, delay);
    }
  }

  private void candidateFailed(Link link, ParleyException cause) {
    stats.attemptFailed(cause);
    if (migrating == current && ReconnectRounds.retryAfter(cause) != null) {
      migrationRetryAfter = ReconnectRounds.retryAfter(cause);
    }
    ladder.recordFailure(link.kind);
    LOG.log(Level.DEBUG, "candidate {0} failed: {1}", link.kind, cause.getMessage());
    tryNextCandidate();
  }

  private void abandonCandidate() {
    if (candidate != null) {
      candidate.retire();
      candidate = null;
    }
    handover.abandon();
  }

  /**
   * Brings the candidate up to date: subscribes it to every channel whose position is known (from
   * that position, so its replay overlaps what the current connection delivered and duplicates are
   * dropped by seq), and promotes it once every channel is confirmed on it.
   */
  private void syncCandidate() {
    Link link = candidate;
    if (link == null || !link.isEstablished() || link.isRetired()) {
      return;
    }
    boolean ready = true;
    for (RealSubscription subscription : subscriptions.values()) {
      String channel = subscription.channel();
      if (!link.requested.contains(channel)) {
        if (subscription.cursor.position() == null) {
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
      handover.switched();
      becomeCurrent(link, current);
    }
  }

  // ---------------------------------------------------------------- frames

  @Override
  public void onFrame(Link link, ServerFrame frame) {
    if (closed || link.isRetired()) {
      return;
    }
    if (!link.isEstablished()) {
      if (frame instanceof ServerFrame.Welcome welcome) {
        established(link, welcome);
      } else if (frame instanceof ServerFrame.Error error) {
        linkFailed(link, ServerErrors.toException(error, link.kind));
      } else {
        LOG.log(Level.DEBUG, "ignoring {0} before welcome on {1}", frame.type(), link.kind);
      }
      return;
    }
    link.heard(ticker.nanoTime());
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
    ChannelCursor cursor = subscription.cursor;
    ChannelCursor.Verdict verdict = cursor.decide(frame, link);
    switch (verdict) {
      case REREADING:
        return; // the new subscription replays it
      case DUPLICATE:
        stats.duplicateDropped();
        return;
      case SUPERSEDED:
        LOG.log(Level.DEBUG, "dropping {0} from a superseded epoch", frame.position());
        return;
      default:
        break;
    }
    Position from = cursor.resumePoint(frame.epoch());
    if (delivery.depth() >= options.dispatchCapacity()) {
      linkFailed(
          link,
          new ConnectionException(
              "handlers are too slow: "
                  + options.dispatchCapacity()
                  + " calls are waiting; resuming "
                  + frame.channel()
                  + " from "
                  + from
                  + " later",
              link.kind,
              ErrorCode.SLOW_CONSUMER,
              null));
      return;
    }
    if (verdict == ChannelCursor.Verdict.REREAD) {
      reread(link, subscription);
      return;
    }
    if (verdict == ChannelCursor.Verdict.GAP_THEN_DELIVER) {
      // The server skipped without saying so: report it rather than hide it.
      deliverGap(subscription, from, new Position(frame.epoch(), frame.seq() - 1));
    }
    cursor.moveTo(frame.position());
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
    Position from = subscription.cursor.gapStart(frame);
    if (from != null) {
      deliverGap(subscription, from, frame.to());
    }
  }

  private void deliverGap(RealSubscription subscription, Position from, Position to) {
    subscription.cursor.moveTo(to);
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
    subscription.cursor.confirmed(link, frame.position());
    subscription.retries = 0;
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
    ParleyException cause = ServerErrors.toException(error, link.kind);
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
      retries.resendLater(entry, Duration.ofMillis(error.retryAfterMs()), this::resend);
      return;
    }
    outbox.remove(entry.id);
    delivery.fail(entry.result, ServerErrors.publishRejected(error, entry.channel, entry.id));
  }

  private void resend(Outbox.Entry entry) {
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
      loop.schedule(
          retries.delay(++subscription.retries),
          () -> {
            if (!link.isRetired()
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
      if (other != null && other != link) {
        leave(other, channel);
      }
    }
    delivery.rejected(subscription, ServerErrors.subscriptionRejected(error, channel));
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
    retries.cancel(entry);
    delivery.complete(entry.result, new Ack(entry.channel, id, seq, epoch));
  }

  private void roundTrip(ServerFrame.Pong pong) {
    long sentAtMillis = pong.ts();
    long millis = sinceOriginMillis() - sentAtMillis;
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
              link.connection.send(new ClientFrame.Ping(sinceOriginMillis()));
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
        subscription.cursor.position());
    subscription.cursor.reread();
    link.confirmed.remove(subscription.channel());
    link.connection.send(new ClientFrame.Unsubscribe(nextId("u"), subscription.channel()));
    sendSubscribe(link, subscription);
  }

  private void sendSubscribe(Link link, RealSubscription subscription) {
    String id = nextId("s");
    link.subscribeRequests.put(id, subscription.channel());
    link.requested.add(subscription.channel());
    link.connection.send(
        new ClientFrame.Subscribe(id, subscription.channel(), subscription.cursor.position()));
  }

  /** Unsubscribes {@code link} from {@code channel} if it subscribed there. */
  private void leave(Link link, String channel) {
    if (link.requested.remove(channel)) {
      link.confirmed.remove(channel);
      link.connection.send(new ClientFrame.Unsubscribe(nextId("u"), channel));
    }
  }

  private void send(Link link, Outbox.Entry entry) {
    entry.sends++;
    link.connection.send(new ClientFrame.Publish(entry.id, entry.channel, entry.event, entry.data));
  }

  private String nextId(String prefix) {
    return prefix + (++requestCounter);
  }

  /** Milliseconds on the ticker since the supervisor was made: the clock of pings and pongs. */
  private long sinceOriginMillis() {
    return Duration.ofNanos(ticker.nanoTime() - originNanos).toMillis();
  }

  /** The one place a server's error frame becomes a public exception. */
  private void setStatus(ConnectionStatus next, ParleyException cause) {
    ConnectionStatus previous = status;
    if (previous == next) {
      return;
    }
    status = next;
    delivery.statusChanged(new StatusChanged(previous, next, cause));
  }

  /** Reports the server of a new connection when it is not the last connection's. */
  private void changeServer(URI next) {
    if (!next.equals(reportedServer)) {
      URI previous = reportedServer;
      reportedServer = next;
      delivery.serverChanged(new ServerChanged(previous, next));
    }
  }

  private void changeTransport(Transport next) {
    transport = next;
    if (next == null) {
      server = null;
    }
    if (reportedTransport == next) {
      return;
    }
    Transport previous = reportedTransport;
    reportedTransport = next;
    stats.transport(next);
    delivery.transportChanged(new TransportChanged(previous, next, notOffered));
    notOffered.clear();
  }

  /** Stops what watches and serves the current connection. */
  private void stopConnectionTimers() {
    watchdog.stop();
    handover.stop();
    for (Cancellable timer : new Cancellable[] {stableTimer, pingTimer}) {
      if (timer != null) {
        timer.cancel();
      }
    }
    stableTimer = null;
    pingTimer = null;
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
}
