package io.parley.server.hub;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.protocol.ChannelName;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Position;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.Transport;
import io.parley.protocol.time.Ticker;
import io.parley.server.auth.Identity;
import io.parley.server.auth.ProbeCredential;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Sessions, channels and fan-out: the one place that decides what each connection receives.
 * Transports translate their wire into calls here and implement {@link SessionSink} for the way
 * back; they know nothing of each other. Sequences, history and idempotency live behind the {@link
 * Backplane}.
 *
 * <p>Thread-safe. Every method may be called from any thread, including event loops: none blocks.
 * Lock order: a backplane channel lock, then a {@link LocalChannel} monitor; a session's sink is
 * called under a channel monitor and must only enqueue.
 *
 * <p>Seam guarantee: a subscription registers first and buffers live messages, then reads the
 * replay, then sends replay and buffer in seq order, dropping anything at or before the last seq
 * sent. Whatever concurrent publishers do, the subscriber sees every message once, in order.
 */
public final class Hub {
  private static final System.Logger LOG = System.getLogger(Hub.class.getName());

  private final Backplane backplane;
  private final Supplier<String> sessionIds;
  private final LongSupplier wallClockMillis;
  private final int maxPendingPerSubscription;
  private final ConcurrentHashMap<String, LocalChannel> channels = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
  private final Limits limits;
  private final Ticker ticker;
  private final RateLimits statelessPublishers;
  private final HubCounters counters = new HubCounters();

  /** Open sessions, counted at open and at the close that removes them: the admission check. */
  private final AtomicInteger openSessions = new AtomicInteger();

  /**
   * Open sessions per transport, the last slot for those that named none: counted at open and at
   * the close that removes them, so stats never walk the sessions.
   */
  private final AtomicInteger[] openByTransport = new AtomicInteger[Transport.values().length + 1];

  /**
   * Why the node admits no new session whatever its load (it is draining), or {@code null}: set
   * once by {@link #stopAdmitting}.
   */
  private volatile Refusal notAdmitting;

  /** Subjects an operator disconnected, for their stateless reads. */
  private final DisconnectedSubjects disconnectedSubjects = new DisconnectedSubjects();

  /** The nodes sharing the backplane. */
  private final Cluster cluster;

  /** Open sessions per token subject; an entry is removed when its count drops to 0. */
  private final ConcurrentHashMap<String, Integer> perSubject = new ConcurrentHashMap<>();

  /**
   * What the hub enforces. Immutable and thread-safe.
   *
   * @param maxSubscriptions channels one session may join besides its automatic ones
   * @param publishRate publishes per second one session (or stateless publisher key) may sustain;
   *     {@link Double#POSITIVE_INFINITY} for no limit
   * @param publishBurst the token bucket's size
   * @param statelessPublishers stateless publisher keys tracked at most (least recently used
   *     forgotten first)
   * @param maxConnectionsPerUser sessions one token subject may have open
   * @param maxConnections sessions this node admits
   */
  public record Limits(
      int maxSubscriptions,
      double publishRate,
      int publishBurst,
      int statelessPublishers,
      int maxConnectionsPerUser,
      int maxConnections) {

    /** No limits at all, for tests of other things. */
    public static Limits none() {
      return new Limits(
          Integer.MAX_VALUE,
          Double.POSITIVE_INFINITY,
          Integer.MAX_VALUE,
          1,
          Integer.MAX_VALUE,
          Integer.MAX_VALUE);
    }

    boolean ratesLimited() {
      return publishRate != Double.POSITIVE_INFINITY;
    }
  }

  /**
   * A hub without limits; see {@link #Hub(Backplane, Supplier, LongSupplier, int, Limits, Ticker)}.
   */
  public Hub(
      Backplane backplane,
      Supplier<String> sessionIds,
      LongSupplier wallClockMillis,
      int maxPendingPerSubscription) {
    this(
        backplane,
        sessionIds,
        wallClockMillis,
        maxPendingPerSubscription,
        Limits.none(),
        Ticker.system());
  }

  /**
   * A hub alone on its node ({@link SingleNode}); see {@link #Hub(Backplane, Supplier,
   * LongSupplier, int, Limits, Ticker, Cluster)}.
   */
  public Hub(
      Backplane backplane,
      Supplier<String> sessionIds,
      LongSupplier wallClockMillis,
      int maxPendingPerSubscription,
      Limits limits,
      Ticker ticker) {
    this(
        backplane,
        sessionIds,
        wallClockMillis,
        maxPendingPerSubscription,
        limits,
        ticker,
        new SingleNode());
  }

  /**
   * @param backplane where sequences and history live
   * @param sessionIds makes unguessable session ids
   * @param wallClockMillis the time stamped on published messages
   * @param maxPendingPerSubscription live messages buffered while a replay is read; past it the
   *     session is disconnected as a slow consumer
   * @param limits what one session, one subject and the node may use
   * @param ticker the clock of the publish rate limits
   * @param cluster the nodes sharing the backplane, which count a subject's connections when there
   *     are several
   */
  public Hub(
      Backplane backplane,
      Supplier<String> sessionIds,
      LongSupplier wallClockMillis,
      int maxPendingPerSubscription,
      Limits limits,
      Ticker ticker,
      Cluster cluster) {
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.statelessPublishers =
        limits.ratesLimited()
            ? new RateLimits(
                limits.publishRate(), limits.publishBurst(), limits.statelessPublishers(), ticker)
            : null;
    this.backplane = Objects.requireNonNull(backplane, "backplane");
    this.sessionIds = Objects.requireNonNull(sessionIds, "sessionIds");
    this.wallClockMillis = Objects.requireNonNull(wallClockMillis, "wallClockMillis");
    this.maxPendingPerSubscription = maxPendingPerSubscription;
    for (int i = 0; i < openByTransport.length; i++) {
      openByTransport[i] = new AtomicInteger();
    }
    backplane.listen(this::onMessage);
  }

  /**
   * Opens a session and joins its automatic channels: {@code session:<id>}, the broadcast channel
   * ({@link ChannelName#BROADCAST}) and, with a subject, {@code user:<subject>}. Nothing is sent to
   * the sink for these. The session channel is joined when the first message for it arrives (see
   * {@link #joinOwnChannel}), since most sessions never get one.
   *
   * @param clientId the client's stable id, scoping its publish ids
   * @param identity whom the connection's token speaks for (verified by the transport)
   * @throws RefusedException when the subject already has {@code maxConnectionsPerUser} sessions
   *     ({@code TOO_MANY_CONNECTIONS}) or the node is full ({@code SERVER_UNAVAILABLE}); nothing is
   *     opened then
   */
  public Session open(SessionSink sink, String clientId, Identity identity) {
    return open(sink, clientId, identity, null, null);
  }

  /**
   * Opens a session as {@link #open(SessionSink, String, Identity)} does, recording what the
   * transport knows of the connection, for the admin API.
   *
   * @param transport the transport the connection came over, or {@code null}
   * @param address the client's network address, or {@code null}
   * @throws RefusedException as {@link #open(SessionSink, String, Identity)}, and {@code
   *     SERVER_UNAVAILABLE} when the node is draining
   */
  public Session open(
      SessionSink sink, String clientId, Identity identity, Transport transport, String address) {
    Refusal draining = notAdmitting;
    if (draining != null) {
      throw draining.toException();
    }
    if (openSessions.incrementAndGet() > limits.maxConnections()) {
      openSessions.decrementAndGet();
      throw Refusal.of(
              ErrorCode.SERVER_UNAVAILABLE,
              "the server is at its limit of "
                  + limits.maxConnections()
                  + " connections (realtime.limits.max-connections); retry later",
              null)
          .toException();
    }
    String subject = identity.subject();
    if (subject != null && !countIn(subject)) {
      openSessions.decrementAndGet();
      throw tooManyConnections(subject, "").toException();
    }
    Session session =
        new Session(
            sessionIds.get(),
            clientId,
            identity,
            sink,
            transport,
            address,
            wallClockMillis.getAsLong());
    sessions.put(session.id(), session);
    openByTransport[slot(transport)].incrementAndGet();
    join(session, null, ChannelName.BROADCAST, null, new CompletableFuture<>());
    if (identity.subject() != null) {
      join(session, null, ChannelName.ofUser(identity.subject()), null, new CompletableFuture<>());
      if (cluster.countsConnections()) {
        countInCluster(session);
      }
    }
    return session;
  }

  private Refusal tooManyConnections(String subject, String where) {
    return Refusal.of(
        ErrorCode.TOO_MANY_CONNECTIONS,
        subject
            + " already has "
            + limits.maxConnectionsPerUser()
            + " connections"
            + where
            + ", the limit per user (realtime.limits.max-connections-per-user); close one or retry"
            + " later",
        null);
  }

  /**
   * Counts a session the node admitted in its subject's connections over every node, and
   * disconnects it ({@code TOO_MANY_CONNECTIONS}) when the other nodes' connections of the subject
   * leave no room. The session is open meanwhile, for one Redis round trip. When the count cannot
   * be reached (Redis down) the node's own count alone admitted it, and it is not counted.
   */
  private void countInCluster(Session session) {
    String subject = session.subject();
    cluster
        .countIn(subject, limits.maxConnectionsPerUser())
        .whenComplete(
            (counted, failure) -> {
              if (failure != null) {
                LOG.log(
                    System.Logger.Level.WARNING,
                    "could not count "
                        + session
                        + " of "
                        + subject
                        + " across the cluster ("
                        + failure
                        + "); admitted by this node's count alone");
              } else if (!counted) {
                disconnect(session, tooManyConnections(subject, " across the cluster"));
              } else if (!session.countedInCluster()) {
                cluster.countOut(subject); // closed while the count was asked
              }
            });
  }

  /**
   * Replaces a session's token with a fresh one sent in-band. The subject must stay the same.
   * Channels the new token no longer grants are left, each with a {@code FORBIDDEN} refusal naming
   * it sent through the sink.
   *
   * @throws RefusedException ({@code TOKEN_INVALID}) when the subject differs; the transport then
   *     sends it and closes the connection, and the session keeps its old token until then
   */
  public void refresh(Session session, Identity fresh) {
    if (!Objects.equals(session.subject(), fresh.subject())) {
      throw Refusal.of(
              ErrorCode.TOKEN_INVALID,
              "a refreshed token must have the same sub as the connection's ("
                  + session.subject()
                  + "), not "
                  + fresh.subject(),
              "token")
          .toException();
    }
    session.identity(fresh);
    session.refreshDeadlineMillis = 0;
    for (Subscription subscription : List.copyOf(session.subscriptions.values())) {
      Refusal dropped = ChannelRules.refuseKeeping(session, fresh, subscription.channel);
      if (dropped != null) {
        leave(subscription);
        session.sink().sendRefusal(dropped);
      }
    }
  }

  /**
   * Asks each session whose token has expired for a fresh one ({@code TOKEN_REFRESH_REQUIRED}), and
   * closes with {@code TOKEN_EXPIRED} those still without one {@code graceMillis} after it was
   * asked. Call it periodically; it does not block.
   */
  public void checkTokens(long nowMillis, long graceMillis) {
    for (Session session : sessions.values()) {
      if (!session.identity().expiredAt(nowMillis) || session.isClosed()) {
        continue;
      }
      long deadline = session.refreshDeadlineMillis;
      if (deadline == 0) {
        session.refreshDeadlineMillis = nowMillis + graceMillis;
        session
            .sink()
            .sendRefusal(
                Refusal.of(
                    ErrorCode.TOKEN_REFRESH_REQUIRED,
                    "the connection's token has expired: send a fresh one (auth {token}) within "
                        + graceMillis
                        + " ms or the connection is closed",
                    "token"));
      } else if (nowMillis >= deadline && session.markClosed()) {
        session
            .sink()
            .close(
                Refusal.of(
                    ErrorCode.TOKEN_EXPIRED,
                    "the connection's token expired and no fresh one came within "
                        + graceMillis
                        + " ms",
                    "token"));
      }
    }
  }

  /** Ends a session: leaves every channel. Idempotent; call it from the transport's close. */
  public void close(Session session) {
    session.markClosed();
    if (sessions.remove(session.id(), session)) {
      openSessions.decrementAndGet();
      openByTransport[slot(session.transport())].decrementAndGet();
      if (session.subject() != null) {
        perSubject.computeIfPresent(session.subject(), (s, n) -> n <= 1 ? null : n - 1);
        if (session.endClusterCount()) {
          cluster.countOut(session.subject());
        }
      }
    }
    for (Subscription subscription : List.copyOf(session.subscriptions.values())) {
      leave(subscription);
    }
  }

  /**
   * Subscribes a session to a channel at a client's request. The sink then receives {@code
   * subscribed} with {@code requestId}, a {@code gap} when history does not reach back to {@code
   * since}, the replayed messages and then live ones; the stage completes after {@code subscribed}
   * was queued.
   *
   * @param since the last position the client processed, or {@code null} to start live
   * @return a stage failed with {@link RefusedException} when refused ({@code CHANNEL_RESERVED},
   *     {@code FORBIDDEN}, {@code TOO_MANY_SUBSCRIPTIONS}, {@code ALREADY_SUBSCRIBED}, {@code
   *     POSITION_AHEAD}, or {@code INTERNAL} when the replay could not be read); it may complete
   *     under a channel lock, so what depends on it must only enqueue
   */
  public CompletionStage<Void> subscribe(
      Session session, String requestId, String channel, Position since) {
    Refusal refused = ChannelRules.refuseSubscribe(session, channel);
    if (refused != null) {
      return failed(refused);
    }
    if (!session.subscriptions.containsKey(channel)
        && ownSubscriptions(session) >= limits.maxSubscriptions()) {
      return failed(
          Refusal.of(
              ErrorCode.TOO_MANY_SUBSCRIPTIONS,
              "the connection already has "
                  + limits.maxSubscriptions()
                  + " subscriptions, the limit (realtime.limits.max-subscriptions); unsubscribe"
                  + " from one first",
              "channel"));
    }
    CompletableFuture<Void> answered = new CompletableFuture<>();
    join(session, requestId, channel, since, answered);
    return answered;
  }

  /** The session's subscriptions without its automatic channels. */
  private static int ownSubscriptions(Session session) {
    int own = 0;
    for (String channel : session.subscriptions.keySet()) {
      if (!ChannelRules.isAutomatic(session, channel)) {
        own++;
      }
    }
    return own;
  }

  /**
   * Counts one more session of {@code subject}; false (and nothing counted) when it has its max.
   */
  private boolean countIn(String subject) {
    boolean[] admitted = new boolean[1];
    perSubject.compute(
        subject,
        (s, n) -> {
          int count = n == null ? 0 : n;
          if (count >= limits.maxConnectionsPerUser()) {
            return n;
          }
          admitted[0] = true;
          return count + 1;
        });
    return admitted[0];
  }

  /**
   * Whether the node admits another connection: the cheap check transports make before a WebSocket
   * upgrade, an Engine.IO handshake or an HTTP poll. Never blocks.
   */
  public boolean admitsConnections() {
    return notAdmitting == null && openSessions.get() < limits.maxConnections();
  }

  /**
   * Why the node admits no new session whatever its load, or {@code null} when it admits them (up
   * to its limit): the refusal given to {@link #stopAdmitting}.
   */
  public Refusal admissionRefusal() {
    return notAdmitting;
  }

  /**
   * From now on every {@link #open} is refused with {@code why} (a draining node). Sessions already
   * open stay. Idempotent: the first refusal stays.
   */
  public synchronized void stopAdmitting(Refusal why) {
    if (notAdmitting == null) {
      notAdmitting = Objects.requireNonNull(why, "why");
    }
  }

  /**
   * Leaves a channel; the sink receives {@code unsubscribed} with {@code requestId}.
   *
   * @return a stage completed once {@code unsubscribed} was queued, or failed with {@link
   *     RefusedException} ({@code CHANNEL_RESERVED}, {@code NOT_SUBSCRIBED})
   */
  public CompletionStage<Void> unsubscribe(Session session, String requestId, String channel) {
    Refusal refused = ChannelRules.refuseUnsubscribe(channel);
    if (refused != null) {
      return failed(refused);
    }
    Subscription subscription = session.subscriptions.get(channel);
    if (subscription == null) {
      return failed(
          Refusal.of(ErrorCode.NOT_SUBSCRIBED, "not subscribed to channel " + channel, "channel"));
    }
    leave(subscription);
    session.sink().send(new ServerFrame.Unsubscribed(requestId, channel));
    return CompletableFuture.completedFuture(null);
  }

  /**
   * Publishes a message from a connected client, with the rights of its session's token. A retry
   * with the same {@code (clientId, publishId)} within the idempotency window completes with the
   * original position and is not delivered again.
   *
   * @return the position, or a stage failed with {@link RefusedException} saying why not
   */
  public CompletionStage<Backplane.Appended> publish(
      Session session, String publishId, String channel, String event, JsonNode data) {
    Refusal refused = ChannelRules.refuseSessionPublish(channel);
    if (refused != null) {
      return failed(refused);
    }
    // The publisher role is a trusted backend's: no rate limit.
    if (limits.ratesLimited() && !session.identity().publisher()) {
      long wait = session.publishBucket(this::newPublishBucket).tryTake();
      if (wait > 0) {
        return rateLimited(wait, "this connection");
      }
    }
    return publish(session.identity(), session.clientId(), publishId, channel, event, data);
  }

  /**
   * Publishes a message with the rights of {@code publisher} (stateless HTTP publish); otherwise as
   * {@link #publish(Session, String, String, String, JsonNode)}.
   */
  public CompletionStage<Backplane.Appended> publish(
      Identity publisher,
      String clientId,
      String publishId,
      String channel,
      String event,
      JsonNode data) {
    Refusal refused = ChannelRules.refusePublish(publisher, channel);
    if (refused != null) {
      return failed(refused);
    }
    return backplane
        .append(channel, clientId, publishId, event, data, wallClockMillis.getAsLong())
        .thenApply(
            appended -> {
              if (appended.duplicate()) {
                counters.duplicatePublishes.increment();
              }
              return appended;
            });
  }

  /**
   * Publishes over a stateless transport, rate limited per token subject or, when anonymous, per
   * {@code address} (the publisher role is not limited); otherwise as {@link #publish(Identity,
   * String, String, String, String, JsonNode)}. Over the limit the stage fails with {@code
   * RATE_LIMITED} and a {@link Refusal#retryAfter()}.
   *
   * @param address the client's network address
   */
  public CompletionStage<Backplane.Appended> publishStateless(
      Identity publisher,
      String address,
      String clientId,
      String publishId,
      String channel,
      String event,
      JsonNode data) {
    if (statelessPublishers != null && !publisher.publisher()) {
      String key = publisher.subject() != null ? "sub:" + publisher.subject() : "addr:" + address;
      long wait = statelessPublishers.tryTake(key);
      if (wait > 0) {
        return rateLimited(
            wait, publisher.subject() != null ? "subject " + publisher.subject() : "this address");
      }
    }
    return publish(publisher, clientId, publishId, channel, event, data);
  }

  private <T> CompletionStage<T> rateLimited(long waitMillis, String who) {
    counters.rateLimited.increment();
    return failed(
        new Refusal(
            ErrorCode.RATE_LIMITED,
            who
                + " publishes faster than "
                + limits.publishRate()
                + "/s (burst "
                + limits.publishBurst()
                + ", realtime.limits.publish-rate); retry after "
                + waitMillis
                + " ms",
            null,
            Duration.ofMillis(waitMillis)));
  }

  /**
   * Reads what a stateless reader missed on several channels, in their order, with {@code limit}
   * messages at most in all: a channel that finds no room left is not read. Before anything is
   * read, every channel is checked against {@code reader}'s rights.
   *
   * @param since each channel with the reader's position, or {@code null} to start live
   * @return what was read; or a stage failed with {@link RefusedException}: {@code
   *     CHANNEL_RESERVED} or {@code FORBIDDEN} for the first channel the reader may not read, and
   *     {@code POSITION_AHEAD} for the first position beyond its channel. Their field is a path in
   *     {@code since}: the channel name, or {@code <channel>.seq} for a position ahead. A reader
   *     whose subject an operator disconnected ({@link #disconnectSubject}) gets that refusal.
   */
  public CompletionStage<Reads> read(Identity reader, Map<String, Position> since, int limit) {
    Refusal disconnected = disconnectedSubjects.take(reader.subject(), wallClockMillis.getAsLong());
    if (disconnected != null) {
      return failed(disconnected);
    }
    for (String channel : since.keySet()) {
      Refusal refused = ChannelRules.refuseRead(reader, channel);
      if (refused != null) {
        return failed(refused.atField(channel));
      }
    }
    CompletionStage<Reads> stage = CompletableFuture.completedFuture(new Reads());
    for (Map.Entry<String, Position> entry : since.entrySet()) {
      String channel = entry.getKey();
      stage =
          stage.thenCompose(
              reads -> {
                int room = limit - reads.messageCount;
                if (room <= 0) {
                  return CompletableFuture.completedFuture(reads);
                }
                return backplane
                    .replay(channel, entry.getValue(), room)
                    .thenApply(
                        replay -> {
                          if (replay.ahead()) {
                            throw ahead(channel, entry.getValue(), replay)
                                .atField(channel + ".seq")
                                .toException();
                          }
                          return reads.add(channel, replay);
                        });
              });
    }
    return stage;
  }

  /**
   * Calls {@code onMessage} once, on the first message published to any of {@code channels} after
   * this call, on the publisher's thread (it must not block).
   *
   * @return cancels the wait; call it on timeout or after firing
   */
  public Runnable awaitMessage(Collection<String> channels, Runnable onMessage) {
    Runnable once = new Once(onMessage);
    List<LocalChannel> joined = new ArrayList<>();
    for (String name : channels) {
      joined.add(attach(name, local -> local.waiters.add(once)));
    }
    return () -> {
      for (LocalChannel local : joined) {
        synchronized (local) {
          local.waiters.remove(once);
          retireIfIdle(local);
        }
      }
    };
  }

  /** A connection's publish bucket, full; made on its first publish. */
  private TokenBucket newPublishBucket() {
    return new TokenBucket(limits.publishRate(), limits.publishBurst(), ticker);
  }

  /** Drops backplane state nobody uses; call periodically. */
  public void expire() {
    backplane.expire(channels::containsKey);
    if (statelessPublishers != null) {
      statelessPublishers.expire();
    }
  }

  /** What this hub has done since it started, for metrics. */
  public HubCounters counters() {
    return counters;
  }

  /**
   * Frames queued on every open session's connection and not yet written: walks the sessions, so
   * call it at scrape time, not per message.
   */
  public long outboundQueued() {
    long queued = 0;
    for (Session session : sessions.values()) {
      queued += session.sink().queued();
    }
    return queued;
  }

  /** The open sessions, for metrics and admin. */
  public int sessionCount() {
    return sessions.size();
  }

  /**
   * The open sessions on {@code transport}, or of those that named none for {@code null}: read from
   * a counter kept at open and close, never by walking the sessions.
   */
  public int sessionCount(Transport transport) {
    return openByTransport[slot(transport)].get();
  }

  private static int slot(Transport transport) {
    return transport == null ? Transport.values().length : transport.ordinal();
  }

  /** A snapshot of the open sessions, in no particular order. */
  public List<Session> sessions() {
    return List.copyOf(sessions.values());
  }

  /** The open session with {@code id}, or {@code null}. */
  public Session session(String id) {
    return sessions.get(id);
  }

  /**
   * Closes {@code session} for {@code reason}: the transport sends the reason and closes the
   * connection, then calls {@link #close(Session)}. Never blocks.
   *
   * @return whether this call closed it ({@code false} when it was already closing)
   */
  public boolean disconnect(Session session, Refusal reason) {
    if (!session.markClosed()) {
      return false;
    }
    session.sink().close(reason);
    return true;
  }

  /**
   * Closes every session of {@code subject} for {@code reason} ({@link #disconnect}) and refuses
   * the subject's stateless reads with it: the next one only when the reason is retryable, every
   * one until {@code statelessUntilMillis} otherwise. Waiting long-polls are answered at once, so
   * that the subject's next poll learns it.
   *
   * @return how many sessions this call closed
   */
  public int disconnectSubject(String subject, Refusal reason, long statelessUntilMillis) {
    disconnectedSubjects.add(subject, reason, statelessUntilMillis);
    int closed = 0;
    for (Session session : sessions.values()) {
      if (subject.equals(session.subject()) && disconnect(session, reason)) {
        closed++;
      }
    }
    releaseWaiters();
    return closed;
  }

  /**
   * Queues the {@code reconnect} hint for {@code session} (a draining node's).
   *
   * @return {@code false} when the session's outbound queue is full or it is closed
   */
  public boolean hint(Session session, ServerFrame.Reconnect hint) {
    return !session.isClosed() && session.sink().send(hint);
  }

  /**
   * Publishes an operator's notice on the broadcast channel, which every session is in. Only the
   * admin API calls this: no client or backend may publish there.
   */
  public CompletionStage<Backplane.Appended> broadcast(String event, JsonNode data) {
    return backplane.append(
        ChannelName.BROADCAST, "admin", sessionIds.get(), event, data, wallClockMillis.getAsLong());
  }

  /**
   * Answers every waiting stateless long-poll now ({@link #awaitMessage} callbacks run as if a
   * message had come), as a draining node does. Callbacks run on this thread and must not block.
   */
  public void releaseWaiters() {
    for (LocalChannel local : channels.values()) {
      List<Runnable> waiters;
      synchronized (local) {
        waiters = List.copyOf(local.waiters);
      }
      waiters.forEach(Runnable::run);
    }
  }

  /**
   * Channels with subscribers on this node whose names start with {@code prefix}, with their
   * subscriber counts, in name order, at most {@code limit}.
   */
  public SortedMap<String, Integer> subscribedChannels(String prefix, int limit) {
    TreeMap<String, Integer> found = new TreeMap<>();
    for (LocalChannel local : channels.values()) {
      if (!local.name.startsWith(prefix)) {
        continue;
      }
      int subscribers;
      synchronized (local) {
        subscribers = local.subscribers.size();
      }
      if (subscribers > 0) {
        found.put(local.name, subscribers);
        if (found.size() > limit) {
          found.pollLastEntry();
        }
      }
    }
    return found;
  }

  /** What the backplane holds of {@code channel}; see {@link Backplane#held(String)}. */
  public CompletionStage<Backplane.Held> held(String channel) {
    return backplane.held(channel);
  }

  /** What the backplane holds of channels by prefix; see {@link Backplane#held(String, int)}. */
  public CompletionStage<List<Backplane.Held>> held(String prefix, int limit) {
    return backplane.held(prefix, limit);
  }

  /** How many sessions are subscribed to {@code channel} on this node. */
  public int subscriberCount(String channel) {
    LocalChannel local = channels.get(channel);
    if (local == null) {
      return 0;
    }
    synchronized (local) {
      return local.subscribers.size();
    }
  }

  /**
   * Joins {@code name} and completes {@code answered} once {@code subscribed} was queued, or fails
   * it with the refusal; completes it without an answer when the session ended meanwhile.
   */
  private void join(
      Session session,
      String requestId,
      String name,
      Position since,
      CompletableFuture<Void> answered) {
    String channel = sharedName(name);
    Subscription subscription = new Subscription(session, channel);
    if (session.subscriptions.putIfAbsent(channel, subscription) != null) {
      answered.completeExceptionally(
          Refusal.of(
                  ErrorCode.ALREADY_SUBSCRIBED,
                  "already subscribed to channel " + channel,
                  "channel")
              .toException());
      return;
    }
    if (session.isClosed()) {
      session.subscriptions.remove(channel, subscription);
      answered.complete(null);
      return;
    }
    // Register (pending) before reading the replay: every later message is then either in the
    // replay or in the pending buffer, and duplicates between the two are dropped by seq.
    if (attach(subscription) == null) {
      answered.complete(null);
      return;
    }
    backplane
        .replay(channel, since, Integer.MAX_VALUE)
        .whenComplete(
            (replay, failure) -> {
              if (failure != null) {
                LOG.log(System.Logger.Level.ERROR, "replay of " + channel + " failed", failure);
                leave(subscription);
                answered.completeExceptionally(
                    Refusal.of(ErrorCode.INTERNAL, "could not read channel " + channel, null)
                        .toException());
              } else {
                goLive(subscription, requestId, since, replay, answered);
              }
            });
  }

  /** The name as the channel's local state already holds it, so subscribers share one copy. */
  private String sharedName(String channel) {
    LocalChannel known = channels.get(channel);
    return known != null ? known.name : channel;
  }

  private void goLive(
      Subscription subscription,
      String requestId,
      Position since,
      Replay replay,
      CompletableFuture<Void> answered) {
    LocalChannel local = subscription.local;
    synchronized (local) {
      if (subscription.isRemoved()) {
        answered.complete(null);
        return;
      }
      Session session = subscription.session;
      if (replay.ahead()) {
        removeLocked(local, subscription);
        // Answered under the lock, as the frames below are: the refusal goes out before anything
        // this channel sends the session next.
        answered.completeExceptionally(ahead(subscription.channel, since, replay).toException());
        return;
      }
      SessionSink sink = session.sink();
      boolean ok = true;
      if (requestId != null) {
        ok =
            sink.send(
                new ServerFrame.Subscribed(
                    requestId, subscription.channel, replay.position(), replay.recovered()));
      }
      if (replay.gap() != null) {
        ok &=
            sink.send(
                new ServerFrame.Gap(subscription.channel, replay.gap().from(), replay.gap().to()));
      }
      subscription.epoch = replay.position().epoch();
      subscription.lastSeq = since == null ? replay.position().seq() : 0;
      for (ChannelMessage message : replay.messages()) {
        ok &= deliverLocked(subscription, message);
      }
      if (since != null) {
        (replay.gap() == null ? counters.resumesRecovered : counters.resumesGap).increment();
        counters.replayedMessages.add(replay.messages().size());
      }
      subscription.epoch = replay.position().epoch();
      subscription.lastSeq = Math.max(subscription.lastSeq, replay.position().seq());
      for (ChannelMessage message : subscription.pending) {
        ok &= deliverLocked(subscription, message);
      }
      subscription.pending = null;
      if (!ok) {
        slowConsumer(session);
      }
    }
    answered.complete(null);
  }

  /** The refusal of a position beyond its channel's, for a subscribe or a stateless read. */
  private static Refusal ahead(String channel, Position since, Replay replay) {
    return Refusal.of(
        ErrorCode.POSITION_AHEAD,
        "since " + since + " is ahead of channel " + channel + " at " + replay.position(),
        "since");
  }

  /** Fan-out of one message to this node's subscribers and waiters, in seq order per channel. */
  private void onMessage(ChannelMessage message) {
    if (!ProbeCredential.isProbeChannel(message.channel())) {
      counters.published.increment(); // self-test traffic is not the users'
    }
    LocalChannel local = channels.get(message.channel());
    if (local == null) {
      String sessionId = ChannelRules.sessionOf(message.channel());
      if (sessionId != null) {
        joinOwnChannel(sessionId, message);
      }
      return;
    }
    List<Session> tooSlow = null;
    synchronized (local) {
      for (Subscription subscription : local.subscribers) {
        boolean ok;
        if (subscription.isLive()) {
          ok = deliverLocked(subscription, message);
        } else {
          subscription.pending.add(message);
          ok = subscription.pending.size() <= maxPendingPerSubscription;
        }
        if (!ok) {
          tooSlow = tooSlow == null ? new ArrayList<>() : tooSlow;
          tooSlow.add(subscription.session);
        }
      }
      for (Runnable waiter : local.waiters) {
        waiter.run();
      }
    }
    if (tooSlow != null) {
      tooSlow.forEach(this::slowConsumer);
    }
  }

  /**
   * Joins a session to its own channel on the first message for it, and delivers that message. A
   * channel and its subscription cost about half a kilobyte per connection (a local channel, a
   * subscription and the backplane's history), which most connections would hold for nothing.
   * Messages of one channel reach {@link #onMessage} one at a time, so nothing else for this
   * channel can arrive between the join and the delivery: the subscription goes live at once,
   * without a replay.
   */
  private void joinOwnChannel(String sessionId, ChannelMessage message) {
    String channel = message.channel();
    Session session = sessions.get(sessionId);
    if (session == null || session.isClosed()) {
      return;
    }
    Subscription subscription = new Subscription(session, channel);
    if (session.subscriptions.putIfAbsent(channel, subscription) != null) {
      return;
    }
    LocalChannel local = attach(subscription);
    if (local == null) {
      return;
    }
    boolean ok;
    synchronized (local) {
      if (subscription.isRemoved()) {
        return;
      }
      subscription.pending = null;
      ok = deliverLocked(subscription, message);
    }
    if (!ok) {
      slowConsumer(session);
    }
  }

  /** Sends unless it is a duplicate; returns false when the sink's queue is full. */
  private static boolean deliverLocked(Subscription subscription, ChannelMessage message) {
    if (subscription.session.isClosed()) {
      return true;
    }
    boolean sameEpoch = message.epoch().equals(subscription.epoch);
    if (sameEpoch && message.seq() <= subscription.lastSeq) {
      return true; // already sent: the replay and the pending buffer overlap
    }
    subscription.epoch = message.epoch();
    subscription.lastSeq = message.seq();
    return subscription.session.sink().sendMessage(message);
  }

  private void slowConsumer(Session session) {
    if (session.markClosed()) {
      counters.slowConsumers.increment();
      LOG.log(System.Logger.Level.INFO, "disconnecting slow consumer " + session);
      session
          .sink()
          .close(
              Refusal.of(
                  ErrorCode.SLOW_CONSUMER,
                  "the connection fell behind its outbound queue; reconnect and resume from your"
                      + " last position",
                  null));
    }
  }

  private static <T> CompletionStage<T> failed(Refusal refusal) {
    return CompletableFuture.failedFuture(refusal.toException());
  }

  private void leave(Subscription subscription) {
    LocalChannel local;
    // Against a concurrent attach: either it sees removed and never attaches, or this sees where
    // it attached and removes it there.
    synchronized (subscription) {
      subscription.removed = true;
      local = subscription.local;
    }
    subscription.session.subscriptions.remove(subscription.channel, subscription);
    if (local == null) {
      return; // never attached
    }
    synchronized (local) {
      removeLocked(local, subscription);
    }
  }

  private void removeLocked(LocalChannel local, Subscription subscription) {
    subscription.markRemoved();
    subscription.session.subscriptions.remove(subscription.channel, subscription);
    local.subscribers.remove(subscription);
    retireIfIdle(local);
  }

  /**
   * Adds a new subscription, still pending, to its local channel. A subscription that ended
   * meanwhile (a close or an unsubscribe raced with the join) is not attached.
   *
   * @return the local channel, or {@code null} when the subscription ended (it is then out of its
   *     session's map too)
   */
  private LocalChannel attach(Subscription subscription) {
    Session session = subscription.session;
    attach(
        subscription.channel,
        local -> {
          synchronized (subscription) {
            if (!subscription.removed && !session.isClosed()) {
              subscription.local = local;
              local.subscribers.add(subscription);
            }
          }
        });
    if (subscription.local == null) {
      session.subscriptions.remove(subscription.channel, subscription);
    }
    return subscription.local;
  }

  /** Runs {@code action} on the live local channel of {@code name}, creating it if needed. */
  private LocalChannel attach(String name, java.util.function.Consumer<LocalChannel> action) {
    while (true) {
      LocalChannel local = channels.computeIfAbsent(name, LocalChannel::new);
      synchronized (local) {
        if (!local.retired) {
          action.accept(local);
          return local;
        }
      }
    }
  }

  private void retireIfIdle(LocalChannel local) {
    if (local.isIdle() && !local.retired) {
      local.retired = true;
      channels.remove(local.name, local);
    }
  }

  /** Runs the delegate at most once. */
  private static final class Once implements Runnable {
    private final Runnable delegate;
    private boolean done;

    Once(Runnable delegate) {
      this.delegate = delegate;
    }

    @Override
    public void run() {
      synchronized (this) {
        if (done) {
          return;
        }
        done = true;
      }
      delegate.run();
    }
  }
}
