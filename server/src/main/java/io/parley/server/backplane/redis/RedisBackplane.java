package io.parley.server.backplane.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Position;
import io.parley.protocol.backoff.Backoff;
import io.parley.protocol.backoff.BackoffPolicy;
import io.parley.server.hub.Backplane;
import io.parley.server.hub.ChannelMessage;
import io.parley.server.hub.Refusal;
import io.parley.server.hub.Replay;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.time.Duration;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The cluster backplane: each channel's epoch, sequence, history and publish ids live in Redis, so
 * every node (and every restart of one) shares them. Thread-safe; never blocks: every call sends
 * commands and completes its stage when Redis answers, on a Vert.x event loop.
 *
 * <p>Keys of channel {@code c}, all in one hash slot ({@code {c}} is their hash tag), under {@link
 * Settings#keyPrefix} {@code p}: {@code p{c}:m} (hash: {@code epoch}, {@code seq}), {@code p{c}:h}
 * (list: the history, oldest first) and {@code p{c}:i:<clientId>:<publishId>} (string: the position
 * a publish got, for the idempotency window). A publish is one Lua script (dedupe, next seq,
 * append, trim, remember the id, {@code PUBLISH}), so publishers on any number of nodes get one
 * gapless sequence per channel. Every node subscribes to one pub/sub channel, {@code p:fanout}, and
 * hands what arrives to the hub through a {@link ChannelSequencer}, in seq order per channel,
 * catching up from history on whatever pub/sub lost while disconnected.
 *
 * <p>Publishes go out on one connection, pipelined, in the order they were made (per calling
 * thread); replays and {@code held} use the client's pool.
 *
 * <p>While the subscription is down (Redis unreachable) {@link #writable()} is false and appends
 * fail at once with a retryable {@code SERVER_UNAVAILABLE}; the subscription reconnects by itself
 * with backoff. Fan-out, sequencing and the subscription run on one Vert.x context, taken when the
 * backplane is made.
 */
public final class RedisBackplane implements Backplane, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(RedisBackplane.class.getName());

  /** Messages of one channel held while a catch-up reads history; past it they go out as is. */
  private static final int MAX_BUFFERED_PER_CHANNEL = 10_000;

  /** How often a backplane that cannot write tries a write, milliseconds. */
  private static final long WRITE_PROBE_MS = 1_000;

  /** How long after a failed catch-up read it is tried again, milliseconds. */
  private static final long CATCH_UP_RETRY_MS = 1_000;

  private final Vertx vertx;
  private final Redis redis;
  private final Settings settings;
  private final Supplier<String> epochs;
  private final ObjectMapper mapper = new ObjectMapper();
  private final Context context;
  private final LuaScript publish = new LuaScript(RedisScripts.PUBLISH);
  private final LuaScript replay = new LuaScript(RedisScripts.REPLAY);
  private final LuaScript held = new LuaScript(RedisScripts.HELD);
  private final ChannelSequencer sequencer;
  private final Backoff backoff;
  private final String fanout;
  private final String control;

  /** Where control messages from other nodes go ({@link #onControl}); only set once. */
  private volatile Consumer<String> controlHandler = message -> {};

  private volatile boolean subscribed;
  private volatile boolean commandsFailing;
  private volatile boolean closed;
  private final AtomicBoolean probing = new AtomicBoolean();
  private volatile Thread contextThread;

  /** The subscribed connection; only touched on the context. */
  private RedisConnection subscriber;

  /** The connection publishes go out on, or {@code null}; only touched on the context. */
  private Future<RedisConnection> publishing;

  /** Whether the subscription was ever up; only touched on the context. */
  private boolean everSubscribed;

  /**
   * Settings of the Redis backplane. Immutable and thread-safe.
   *
   * @param keyPrefix put before every key and the fan-out channel, so that several clusters (or
   *     tests) share one Redis; no braces or spaces
   * @param historySize messages kept per channel
   * @param historyMaxAge how long a message stays in history
   * @param idempotencyWindow how long a publish id is remembered
   * @param channelTtl how long a channel's epoch and seq outlive its last publish or read; at least
   *     the history's age and the idempotency window
   * @param commandTimeout how long a command may take before its call fails
   * @param reconnectMax the longest wait between two attempts to re-subscribe
   */
  public record Settings(
      String keyPrefix,
      int historySize,
      Duration historyMaxAge,
      Duration idempotencyWindow,
      Duration channelTtl,
      Duration commandTimeout,
      Duration reconnectMax) {

    public Settings {
      Objects.requireNonNull(keyPrefix, "keyPrefix");
      if (keyPrefix.matches(".*[{}\\s].*")) {
        throw new IllegalArgumentException(
            "realtime.redis.key-prefix must hold no braces and no spaces but was '"
                + keyPrefix
                + "'");
      }
      if (historySize < 0) {
        throw new IllegalArgumentException(
            "realtime.history.size must be >= 0 but was " + historySize);
      }
      if (channelTtl.compareTo(historyMaxAge) < 0 || channelTtl.compareTo(idempotencyWindow) < 0) {
        throw new IllegalArgumentException(
            "realtime.redis.channel-ttl ("
                + channelTtl
                + ") must be at least realtime.history.max-age ("
                + historyMaxAge
                + ") and realtime.idempotency.window ("
                + idempotencyWindow
                + ")");
      }
      if (commandTimeout.isNegative() || commandTimeout.isZero()) {
        throw new IllegalArgumentException(
            "realtime.redis.command-timeout must be positive but was " + commandTimeout);
      }
    }
  }

  /**
   * Makes the backplane and starts subscribing; call from a thread outside Vert.x (or an event loop
   * whose context may then serve fan-out).
   *
   * @param redis the client (Quarkus' one, configured by {@code quarkus.redis.*}); not closed here
   * @param epochs makes a new, unique epoch id, offered whenever Redis holds nothing of a channel
   * @param jitter randomness for the reconnect backoff
   */
  public RedisBackplane(
      Vertx vertx,
      Redis redis,
      Settings settings,
      Supplier<String> epochs,
      RandomGenerator jitter) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.redis = Objects.requireNonNull(redis, "redis");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.epochs = Objects.requireNonNull(epochs, "epochs");
    this.fanout = settings.keyPrefix() + "fanout";
    this.control = settings.keyPrefix() + "control";
    this.backoff =
        new Backoff(
            BackoffPolicy.exponentialFullJitter(
                Duration.ofMillis(100), settings.reconnectMax(), jitter));
    this.sequencer =
        new ChannelSequencer(
            (channel, since) -> {
              CompletableFuture<Replay> read = new CompletableFuture<>();
              readReplay(channel, since, Integer.MAX_VALUE)
                  .whenComplete(
                      (result, failure) ->
                          onContext(
                              () -> {
                                if (failure != null) {
                                  read.completeExceptionally(failure);
                                } else {
                                  read.complete(result);
                                }
                              }));
              return read;
            },
            action -> vertx.setTimer(CATCH_UP_RETRY_MS, id -> onContext(action)),
            MAX_BUFFERED_PER_CHANNEL);
    this.context = vertx.getOrCreateContext();
    context.runOnContext(
        v -> {
          contextThread = Thread.currentThread();
          subscribe();
        });
  }

  @Override
  public void listen(Listener listener) {
    Objects.requireNonNull(listener, "listener");
    onContext(() -> sequencer.listen(listener));
  }

  @Override
  public CompletionStage<Appended> append(
      String channel, String clientId, String publishId, String event, JsonNode data, long ts) {
    if (!subscribed) {
      return CompletableFuture.failedFuture(
          unavailable("the Redis backplane is not connected (reconnecting)"));
    }
    String body = body(event, data, ts);
    List<String> keys =
        List.of(meta(channel), history(channel), idempotency(channel, clientId, publishId));
    List<String> args =
        List.of(
            epochs.get(),
            body,
            Integer.toString(settings.historySize()),
            Long.toString(settings.historyMaxAge().toMillis()),
            Long.toString(settings.idempotencyWindow().toMillis()),
            Long.toString(settings.channelTtl().toMillis()),
            fanout,
            channel);
    Promise<Response> sent = Promise.promise();
    // Sent from the context, in call order, on one connection: Redis runs them in that order.
    onContext(() -> sendPublish(keys, args).onComplete(sent));
    return sent.future()
        .toCompletionStage()
        .handle(
            (response, failure) -> {
              if (failure != null) {
                publishFailed(failure);
                throw unavailable("the Redis backplane could not take the publish: " + failure);
              }
              commandsFailing = false;
              boolean fresh = response.get(0).toInteger() == 1;
              String position = response.get(1).toString();
              int space = position.lastIndexOf(' ');
              return new Appended(
                  channel,
                  new Position(
                      position.substring(0, space), Long.parseLong(position.substring(space + 1))),
                  !fresh);
            });
  }

  @Override
  public CompletionStage<Replay> replay(String channel, Position since, int limit) {
    return readReplay(channel, since, limit)
        .whenComplete(
            (read, failure) -> {
              if (read != null && !read.ahead()) {
                Position live = read.position();
                onContext(() -> sequencer.prime(channel, live));
              }
            });
  }

  /**
   * Marks the backplane not writable after a failed publish, until a write succeeds again: the next
   * publish, or a probe ({@code SET <prefix>writable}) tried every {@value #WRITE_PROBE_MS} ms
   * meanwhile, so that a node nobody publishes on does not stay unready.
   */
  private void publishFailed(Throwable failure) {
    commandsFailing = true;
    if (probing.compareAndSet(false, true)) {
      LOG.log(
          System.Logger.Level.WARNING,
          "Redis backplane cannot write ("
              + failure
              + "); publishes are refused until a write succeeds");
      vertx.setTimer(WRITE_PROBE_MS, id -> onContext(this::probeWrite));
    }
  }

  private void probeWrite() {
    if (closed) {
      return;
    }
    if (!commandsFailing) {
      probing.set(false);
      return;
    }
    Future<RedisConnection> connection = publishingConnection();
    connection
        .compose(
            c ->
                c.send(
                    Request.cmd(Command.SET)
                        .arg(settings.keyPrefix() + "writable")
                        .arg("1")
                        .arg("PX")
                        .arg(WRITE_PROBE_MS * 10)))
        .timeout(settings.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .onComplete(
            written ->
                onContext(
                    () -> {
                      if (written.succeeded()) {
                        commandsFailing = false;
                        probing.set(false);
                        LOG.log(System.Logger.Level.INFO, "Redis backplane can write again");
                      } else {
                        dropPublishing(connection);
                        vertx.setTimer(WRITE_PROBE_MS, id -> onContext(this::probeWrite));
                      }
                    }));
  }

  /**
   * Sends one publish on the publishing connection. Runs on the context, so publishes reach Redis
   * in the order they were made on any one thread (one client connection's event loop), and Redis
   * answers them in that order: a client's pipelined publishes get ascending seqs and their acks in
   * order, as with the memory backplane. A failed connection is dropped; the next publish makes a
   * new one.
   */
  private Future<Response> sendPublish(List<String> keys, List<String> args) {
    Future<RedisConnection> connection = publishingConnection();
    return connection
        .compose(
            c ->
                c.send(publish.request(Command.EVALSHA, keys, args))
                    .recover(
                        failure ->
                            LuaScript.isNoScript(failure)
                                ? c.send(publish.request(Command.EVAL, keys, args))
                                : Future.failedFuture(failure)))
        .timeout(settings.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .onFailure(failure -> onContext(() -> dropPublishing(connection)));
  }

  /** The publishing connection, made (with the publish script loaded) when there is none. */
  private Future<RedisConnection> publishingConnection() {
    Future<RedisConnection> current = publishing;
    if (current != null && !current.failed()) {
      return current;
    }
    Future<RedisConnection> made =
        redis
            .connect()
            .compose(
                c ->
                    c.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(publish.source()))
                        .map(loaded -> c)
                        .onFailure(failure -> c.close()));
    made.onSuccess(
        c -> {
          c.exceptionHandler(e -> onContext(() -> dropPublishing(made)));
          c.endHandler(v -> onContext(() -> dropPublishing(made)));
        });
    publishing = made;
    return made;
  }

  private void dropPublishing(Future<RedisConnection> connection) {
    if (publishing == connection) {
      publishing = null;
      connection.onSuccess(RedisConnection::close);
    }
  }

  private CompletionStage<Replay> readReplay(String channel, Position since, int limit) {
    Future<Response> sent =
        eval(
            replay,
            List.of(meta(channel), history(channel)),
            List.of(
                epochs.get(),
                Long.toString(settings.historyMaxAge().toMillis()),
                Long.toString(settings.channelTtl().toMillis()),
                since == null ? "" : since.epoch(),
                Long.toString(since == null ? 0 : since.seq()),
                Integer.toString(Math.min(limit, settings.historySize()))));
    return sent.toCompletionStage()
        .handle(
            (response, failure) -> {
              if (failure != null) {
                // Retryable, as a refused publish: the subscribe or poll succeeds once Redis is
                // back.
                throw unavailable(
                    "the Redis backplane could not read the history of "
                        + channel
                        + ": "
                        + failure);
              }
              return toReplay(channel, since, limit, response);
            });
  }

  /**
   * History read as every backplane reads it ({@link Replay#of}), over what the script returned.
   */
  private Replay toReplay(String channel, Position since, int limit, Response response) {
    String epoch = response.get(0).toString();
    long firstRetained = response.get(2).toLong();
    List<ChannelMessage> retained =
        new AbstractList<>() {
          @Override
          public ChannelMessage get(int index) {
            return historyEntry(channel, epoch, response.get(index + 3).toString());
          }

          @Override
          public int size() {
            return response.size() - 3;
          }
        };
    return Replay.of(
        since, new Position(epoch, response.get(1).toLong()), firstRetained, retained, limit);
  }

  /**
   * Nothing to drop in Redis, where keys expire by themselves (history after its age, a channel's
   * epoch and seq {@link Settings#channelTtl} after its last use, publish ids after their window);
   * forgets the sequencing state of channels nobody on this node reads.
   */
  @Override
  public void expire(Predicate<String> inUse) {
    onContext(() -> sequencer.retain(inUse));
  }

  @Override
  public CompletionStage<Held> held(String channel) {
    return eval(
            held,
            List.of(meta(channel), history(channel)),
            List.of(Long.toString(settings.historyMaxAge().toMillis())))
        .toCompletionStage()
        .thenApply(
            response ->
                response.size() == 0
                    ? null
                    : new Held(
                        channel,
                        new Position(response.get(0).toString(), response.get(1).toLong()),
                        response.get(2).toInteger(),
                        response.get(3).toInteger()));
  }

  /**
   * Finds the channels by {@code SCAN} over their epoch keys (on a Redis Cluster, only those of the
   * node the client's connection lands on), then reads each.
   */
  @Override
  public CompletionStage<List<Held>> held(String prefix, int limit) {
    String pattern = settings.keyPrefix() + "{" + prefix + "*}:m";
    TreeSet<String> names = new TreeSet<>();
    return scan("0", pattern, names, limit)
        .thenCompose(
            done -> {
              List<CompletableFuture<Held>> reads = new ArrayList<>();
              for (String name : names) {
                reads.add(held(name).toCompletableFuture());
              }
              return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
                  .thenApply(
                      all -> {
                        List<Held> found = new ArrayList<>();
                        for (CompletableFuture<Held> read : reads) {
                          if (read.join() != null) {
                            found.add(read.join());
                          }
                        }
                        return found;
                      });
            });
  }

  private CompletionStage<Void> scan(
      String cursor, String pattern, TreeSet<String> names, int limit) {
    int start = settings.keyPrefix().length() + 1;
    return redis
        .send(
            Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern).arg("COUNT").arg(1000))
        .timeout(settings.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .toCompletionStage()
        .thenCompose(
            response -> {
              for (Response key : response.get(1)) {
                String name = key.toString();
                names.add(name.substring(start, name.length() - "}:m".length()));
                if (names.size() > limit) {
                  names.pollLast();
                }
              }
              String next = response.get(0).toString();
              return next.equals("0")
                  ? CompletableFuture.completedFuture(null)
                  : scan(next, pattern, names, limit);
            });
  }

  /**
   * Whether the pub/sub subscription is up and the last command did not fail: false while Redis is
   * unreachable or refuses writes (a replica's {@code READONLY}).
   */
  @Override
  public boolean writable() {
    return subscribed && !commandsFailing;
  }

  /** Stops the subscription. The Redis client is its owner's to close. */
  @Override
  public void close() {
    closed = true;
    onContext(
        () -> {
          subscribed = false;
          if (subscriber != null) {
            subscriber.close();
            subscriber = null;
          }
          if (publishing != null) {
            dropPublishing(publishing);
          }
        });
  }

  /** The subscription connection's name in Redis' {@code CLIENT LIST}: {@code <prefix>fanout}. */
  String subscriberName() {
    return fanout;
  }

  /** Channels whose order this node tracks, for tests. */
  int trackedChannels() {
    return sequencer.channelCount();
  }

  private void subscribe() {
    if (closed) {
      return;
    }
    redis
        .connect()
        .onComplete(
            connected ->
                onContext(
                    () -> {
                      if (connected.failed()) {
                        retrySubscribe(connected.cause());
                        return;
                      }
                      RedisConnection connection = connected.result();
                      if (closed) {
                        connection.close();
                        return;
                      }
                      connection.handler(push -> onContext(() -> onPush(push)));
                      connection.exceptionHandler(e -> onContext(() -> lost(connection, e)));
                      connection.endHandler(v -> onContext(() -> lost(connection, null)));
                      // Named, so that an operator (or a test) finds it in CLIENT LIST.
                      connection
                          .send(Request.cmd(Command.CLIENT).arg("SETNAME").arg(subscriberName()))
                          .compose(
                              named ->
                                  connection.send(
                                      Request.cmd(Command.SUBSCRIBE).arg(fanout).arg(control)))
                          .timeout(settings.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)
                          .onComplete(
                              done ->
                                  onContext(
                                      () -> {
                                        if (done.failed()) {
                                          connection.close();
                                          retrySubscribe(done.cause());
                                        } else {
                                          subscribed(connection);
                                        }
                                      }));
                    }));
  }

  private void subscribed(RedisConnection connection) {
    subscriber = connection;
    subscribed = true;
    commandsFailing = false;
    if (backoff.attempt() > 0 || everSubscribed) {
      LOG.log(System.Logger.Level.INFO, "Redis backplane subscribed again to " + fanout);
    }
    backoff.reset();
    if (everSubscribed) {
      sequencer.resumeAll();
    }
    everSubscribed = true;
  }

  private void lost(RedisConnection connection, Throwable cause) {
    if (subscriber != connection) {
      return;
    }
    subscriber = null;
    subscribed = false;
    connection.close();
    LOG.log(
        System.Logger.Level.WARNING,
        "Redis backplane lost its subscription"
            + (cause == null ? "" : ": " + cause)
            + "; publishes are refused until it is back");
    retrySubscribe(cause);
  }

  private void retrySubscribe(Throwable cause) {
    if (closed) {
      return;
    }
    Duration delay = backoff.nextDelay();
    // The first failure is worth a warning; each later one only at DEBUG, not once per attempt.
    LOG.log(
        backoff.attempt() == 1 ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG,
        "Redis backplane cannot subscribe ("
            + cause
            + "); attempt "
            + backoff.attempt()
            + ", next in "
            + delay.toMillis()
            + " ms");
    vertx.setTimer(Math.max(1, delay.toMillis()), id -> onContext(this::subscribe));
  }

  /**
   * Hands every message other nodes send on the control channel ({@code <prefix>control}) to {@code
   * handler}, on the backplane's context; the handler must not block. Call once, at startup.
   */
  public void onControl(Consumer<String> handler) {
    controlHandler = Objects.requireNonNull(handler, "handler");
  }

  /**
   * Sends {@code message} to every node's {@link #onControl} handler, this node's included.
   *
   * @return a stage completed with the number of nodes that received it
   */
  public CompletionStage<Integer> sendControl(String message) {
    return redis
        .send(Request.cmd(Command.PUBLISH).arg(control).arg(message))
        .timeout(settings.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .map(Response::toInteger)
        .toCompletionStage();
  }

  /**
   * A pub/sub push: {@code message <channel> <payload>} (RESP2 array or RESP3 push), on the fan-out
   * or the control channel.
   */
  private void onPush(Response push) {
    if (push.size() < 3 || !"message".equals(push.get(0).toString())) {
      return; // subscribe confirmations and the like
    }
    String payload = push.get(2).toString();
    if (control.equals(push.get(1).toString())) {
      try {
        controlHandler.accept(payload);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "a control message failed: " + payload, e);
      }
      return;
    }
    ChannelMessage message;
    try {
      int a = payload.indexOf(' ');
      int b = payload.indexOf(' ', a + 1);
      int c = payload.indexOf(' ', b + 1);
      String channel = payload.substring(0, a);
      String epoch = payload.substring(a + 1, b);
      long seq = Long.parseLong(payload.substring(b + 1, c));
      message = message(channel, epoch, seq, payload.substring(c + 1));
    } catch (RuntimeException e) {
      // Someone else published on the fan-out channel: not ours to deliver.
      LOG.log(
          System.Logger.Level.WARNING,
          "ignoring a message on " + fanout + " that is not a Parley message: " + e);
      return;
    }
    sequencer.receive(message);
  }

  private ChannelMessage historyEntry(String channel, String epoch, String entry) {
    int a = entry.indexOf(' ');
    int b = entry.indexOf(' ', a + 1);
    return message(
        channel, epoch, Long.parseLong(entry.substring(a + 1, b)), entry.substring(b + 1));
  }

  private ChannelMessage message(String channel, String epoch, long seq, String body) {
    JsonNode node;
    try {
      node = mapper.readTree(body);
    } catch (IOException e) {
      throw new IllegalStateException("unreadable message body in Redis for " + channel, e);
    }
    return new ChannelMessage(
        channel, epoch, seq, node.get("e").asText(), node.get("d"), node.get("t").asLong());
  }

  private String body(String event, JsonNode data, long ts) {
    ObjectNode body = mapper.createObjectNode();
    body.put("e", event);
    body.set("d", data);
    body.put("t", ts);
    return body.toString();
  }

  private Future<Response> eval(LuaScript script, List<String> keys, List<String> args) {
    return script.eval(redis, keys, args, settings.commandTimeout());
  }

  private void onContext(Runnable action) {
    if (Thread.currentThread() == contextThread) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  private String meta(String channel) {
    return settings.keyPrefix() + "{" + channel + "}:m";
  }

  private String history(String channel) {
    return settings.keyPrefix() + "{" + channel + "}:h";
  }

  private String idempotency(String channel, String clientId, String publishId) {
    return settings.keyPrefix() + "{" + channel + "}:i:" + clientId + ":" + publishId;
  }

  private static RuntimeException unavailable(String why) {
    return Refusal.of(ErrorCode.SERVER_UNAVAILABLE, why + "; retry later", null).toException();
  }
}
