package io.parley.server.backplane.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.server.hub.Cluster;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The nodes sharing one Redis, as each sees the others. Every node is a member ({@code
 * <node-id>/<random>}, new at every start) of the sorted set {@code <prefix>{nodes}}, scored by its
 * last heartbeat (every {@link #HEARTBEAT_MS} ms, Redis time), which also stores the node's report
 * (its counters, for the admin stats) in {@code <prefix>{nodes}:<member>}. A member silent for
 * {@link #DEAD_AFTER_MS} ms is dead. A subject's connections are counted per member in the hash
 * {@code <prefix>{user:<subject>}:c} by one script that first drops dead members' counts, so a node
 * that died does not hold its users' places for long. Operator orders travel on the backplane's
 * control channel as JSON; each node answers with how many sessions it closed. Thread-safe; never
 * blocks.
 */
public final class RedisCluster implements Cluster, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(RedisCluster.class.getName());

  /** How often a node reports itself, milliseconds. */
  static final long HEARTBEAT_MS = 5_000;

  /** How long a node may stay silent before the others count it dead, milliseconds. */
  static final long DEAD_AFTER_MS = 3 * HEARTBEAT_MS;

  private final Vertx vertx;
  private final Redis redis;
  private final RedisBackplane backplane;
  private final String keyPrefix;
  private final String member;
  private final Duration commandTimeout;
  private final Duration countTtl;
  private final Supplier<String> report;
  private final ObjectMapper mapper = new ObjectMapper();
  private final LuaScript heartbeat = new LuaScript(RedisScripts.HEARTBEAT);
  private final LuaScript leave = new LuaScript(RedisScripts.LEAVE);
  private final LuaScript count = new LuaScript(RedisScripts.COUNT_CONNECTION);
  private final Map<String, Asked> asked = new ConcurrentHashMap<>();
  private long timer = -1;

  /** Members alive at the last heartbeat, in member order. */
  private volatile List<String> live = List.of();

  /** Members dead at the last heartbeat but not yet forgotten. */
  private volatile List<String> dead = List.of();

  private volatile Orders orders = order -> 0;

  /** A disconnect order this node sent, waiting for the other nodes' answers. */
  private static final class Asked {
    final CompletableFuture<Disconnected> done = new CompletableFuture<>();
    int nodes = -1;
    int answered;
    int sessions;

    synchronized void answer(int closed) {
      answered++;
      sessions += closed;
      completeIfAll();
    }

    synchronized void expect(int others) {
      nodes = others;
      completeIfAll();
    }

    synchronized void giveUp() {
      done.complete(new Disconnected(Math.max(nodes, answered), answered, sessions));
    }

    private void completeIfAll() {
      if (nodes >= 0 && answered >= nodes) {
        done.complete(new Disconnected(nodes, answered, sessions));
      }
    }
  }

  /**
   * Makes this node's member; it joins the cluster at {@link #join}.
   *
   * @param nodeId the node's configured id, part of its member name
   * @param countTtl how long a subject's connection counts outlive their last change
   * @param report this node's report (a JSON object), asked at every heartbeat; any thread
   */
  public RedisCluster(
      Vertx vertx,
      Redis redis,
      RedisBackplane backplane,
      String keyPrefix,
      String nodeId,
      Duration commandTimeout,
      Duration countTtl,
      Supplier<String> report) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.redis = Objects.requireNonNull(redis, "redis");
    this.backplane = Objects.requireNonNull(backplane, "backplane");
    this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
    this.member = nodeId.replace(' ', '_') + "/" + UUID.randomUUID().toString().substring(0, 8);
    this.commandTimeout = Objects.requireNonNull(commandTimeout, "commandTimeout");
    this.countTtl = Objects.requireNonNull(countTtl, "countTtl");
    this.report = Objects.requireNonNull(report, "report");
    backplane.onControl(this::onControl);
  }

  /** Sends the first heartbeat now and one every {@link #HEARTBEAT_MS} ms until {@link #close}. */
  public synchronized void join() {
    if (timer < 0) {
      beat();
      timer = vertx.setPeriodic(HEARTBEAT_MS, id -> beat());
    }
  }

  /** This node's name in the cluster. */
  public String member() {
    return member;
  }

  @Override
  public void listen(Orders orders) {
    this.orders = Objects.requireNonNull(orders, "orders");
  }

  @Override
  public boolean countsConnections() {
    return true;
  }

  @Override
  public CompletionStage<Boolean> countIn(String subject, int limit) {
    List<String> args = new ArrayList<>();
    args.add(member);
    args.add("1");
    args.add(Integer.toString(limit));
    args.add(Long.toString(countTtl.toMillis()));
    args.addAll(dead);
    return count
        .eval(redis, List.of(countKey(subject)), args, commandTimeout)
        .map(response -> response.toInteger() == 1)
        .toCompletionStage();
  }

  @Override
  public void countOut(String subject) {
    count
        .eval(
            redis,
            List.of(countKey(subject)),
            List.of(member, "-1", "0", Long.toString(countTtl.toMillis())),
            commandTimeout)
        .onFailure(
            failure ->
                LOG.log(
                    System.Logger.Level.WARNING,
                    "could not take back a connection of "
                        + subject
                        + " from the cluster's count ("
                        + failure
                        + "); it counts until this node's heartbeat stops"));
  }

  @Override
  public CompletionStage<Disconnected> disconnectElsewhere(DisconnectOrder order) {
    String id = UUID.randomUUID().toString();
    Asked waiting = new Asked();
    asked.put(id, waiting);
    ObjectNode json = mapper.createObjectNode();
    json.put("op", "disconnect").put("from", member).put("id", id);
    json.put("user", order.user()).put("session", order.session());
    json.put("reason", order.reason()).put("mayReconnect", order.mayReconnect());
    backplane
        .sendControl(json.toString())
        // Every subscribed node received it, this one included.
        .whenComplete(
            (received, failure) -> {
              if (failure != null) {
                LOG.log(
                    System.Logger.Level.WARNING,
                    "could not send a disconnect to the other nodes: " + failure);
                waiting.expect(0);
              } else {
                waiting.expect(Math.max(0, received - 1));
              }
            });
    long giveUp = vertx.setTimer(commandTimeout.toMillis(), t -> waiting.giveUp());
    return waiting.done.whenComplete(
        (done, failure) -> {
          asked.remove(id);
          vertx.cancelTimer(giveUp);
        });
  }

  @Override
  public CompletionStage<List<String>> nodeReports() {
    List<String> members = live;
    if (members.isEmpty()) {
      return CompletableFuture.completedFuture(List.of(report.get()));
    }
    Request get = Request.cmd(Command.MGET);
    members.forEach(m -> get.arg(reportKey(m)));
    return redis
        .send(get)
        .timeout(commandTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .map(
            response -> {
              List<String> reports = new ArrayList<>();
              for (int i = 0; i < members.size(); i++) {
                if (members.get(i).equals(member)) {
                  reports.add(report.get()); // this node's own, fresh
                } else if (response.get(i) != null) {
                  reports.add(response.get(i).toString());
                }
              }
              return reports;
            })
        .toCompletionStage();
  }

  /** Leaves the cluster: other nodes stop counting this node's connections now. */
  @Override
  public synchronized void close() {
    if (timer < 0) {
      return;
    }
    vertx.cancelTimer(timer);
    timer = -1;
    leave
        .eval(
            redis,
            List.of(nodesKey(), reportKey(member)),
            List.of(member, Long.toString(DEAD_AFTER_MS)),
            commandTimeout)
        .onFailure(
            failure ->
                LOG.log(
                    System.Logger.Level.DEBUG, "could not leave the cluster in Redis: " + failure));
  }

  private void beat() {
    heartbeat
        .eval(
            redis,
            List.of(nodesKey(), reportKey(member)),
            List.of(
                member,
                report.get(),
                Long.toString(DEAD_AFTER_MS),
                Long.toString(countTtl.toMillis() + DEAD_AFTER_MS)),
            commandTimeout)
        .onSuccess(
            response -> {
              live = members(response.get(0));
              dead = members(response.get(1));
            })
        .onFailure(
            failure ->
                LOG.log(
                    System.Logger.Level.DEBUG,
                    "heartbeat to Redis failed (" + failure + "); the backplane reports it"));
  }

  private static List<String> members(Response list) {
    List<String> members = new ArrayList<>(list.size());
    for (Response m : list) {
      members.add(m.toString());
    }
    return List.copyOf(members);
  }

  /** A control message from any node (this one's own included), on the backplane's context. */
  private void onControl(String message) {
    JsonNode json;
    try {
      json = mapper.readTree(message);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "ignoring an unreadable control message: " + message);
      return;
    }
    String op = json.path("op").asText();
    if (op.equals("disconnect") && !member.equals(json.path("from").asText())) {
      DisconnectOrder order =
          new DisconnectOrder(
              textOrNull(json, "user"),
              textOrNull(json, "session"),
              json.path("reason").asText(),
              json.path("mayReconnect").asBoolean());
      int closed = orders.disconnect(order);
      ObjectNode answer = mapper.createObjectNode();
      answer.put("op", "answer").put("to", json.path("from").asText());
      answer.put("id", json.path("id").asText()).put("closed", closed);
      backplane
          .sendControl(answer.toString())
          .whenComplete(
              (n, failure) -> {
                if (failure != null) {
                  LOG.log(System.Logger.Level.WARNING, "could not answer a disconnect: " + failure);
                }
              });
    } else if (op.equals("answer") && member.equals(json.path("to").asText())) {
      Asked waiting = asked.get(json.path("id").asText());
      if (waiting != null) {
        waiting.answer(json.path("closed").asInt());
      }
    }
  }

  private static String textOrNull(JsonNode json, String field) {
    JsonNode value = json.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  private String nodesKey() {
    return keyPrefix + "{nodes}";
  }

  private String reportKey(String node) {
    return keyPrefix + "{nodes}:" + node;
  }

  private String countKey(String subject) {
    return keyPrefix + "{user:" + subject + "}:c";
  }
}
