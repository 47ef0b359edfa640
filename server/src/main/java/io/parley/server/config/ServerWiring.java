package io.parley.server.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.protocol.codec.FrameCodec;
import io.parley.protocol.time.Ticker;
import io.parley.server.admin.NodeStats;
import io.parley.server.backplane.memory.MemoryBackplane;
import io.parley.server.backplane.redis.RedisBackplane;
import io.parley.server.backplane.redis.RedisCluster;
import io.parley.server.hub.Backplane;
import io.parley.server.hub.Cluster;
import io.parley.server.hub.Hub;
import io.parley.server.hub.SingleNode;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Builds the hub and its collaborators from {@link RealtimeConfig}. Thread-safe. */
@Singleton
public class ServerWiring {

  private long expiryTimer = -1;
  private long tokenTimer = -1;

  /** A random URL-safe id of {@code bytes} random bytes. */
  public static String randomId(int bytes) {
    return RunTimeRandom.urlSafeId(bytes);
  }

  @Produces
  @Singleton
  Backplane backplane(RealtimeConfig config, Vertx vertx, Instance<Redis> redis) {
    if (config.backplane() == RealtimeConfig.BackplaneKind.REDIS) {
      return new RedisBackplane(
          vertx,
          redis.get(),
          new RedisBackplane.Settings(
              config.redis().keyPrefix(),
              config.history().size(),
              config.history().maxAge(),
              config.idempotency().window(),
              config.redis().channelTtl(),
              config.redis().commandTimeout(),
              config.redis().reconnectMax()),
          () -> randomId(6),
          RunTimeRandom.generator());
    }
    return new MemoryBackplane(
        config.history().size(),
        config.history().maxAge(),
        config.idempotency().window(),
        config.idempotency().maxEntries(),
        Ticker.system(),
        () -> randomId(6));
  }

  void closeBackplane(@Disposes Backplane backplane) {
    if (backplane instanceof RedisBackplane redis) {
      redis.close();
    }
  }

  /**
   * The nodes sharing the backplane: on Redis every node with the same key prefix, each reporting
   * its counters ({@link NodeStats#writeCounters}) for the others' admin stats; one node alone on
   * the memory backplane.
   */
  @Produces
  @Singleton
  Cluster cluster(
      RealtimeConfig config,
      Vertx vertx,
      Backplane backplane,
      Instance<Redis> redis,
      NodeIdentity node,
      FrameCodec codec,
      Instance<NodeStats> stats) {
    if (backplane instanceof RedisBackplane shared) {
      return new RedisCluster(
          vertx,
          redis.get(),
          shared,
          config.redis().keyPrefix(),
          node.id(),
          config.redis().commandTimeout(),
          config.redis().channelTtl(),
          () -> {
            ObjectNode report = codec.mapper().createObjectNode();
            stats.get().writeCounters(report);
            return report.toString();
          });
    }
    return new SingleNode();
  }

  void leaveCluster(@Disposes Cluster cluster) {
    if (cluster instanceof RedisCluster redis) {
      redis.close();
    }
  }

  @Produces
  @Singleton
  Hub hub(Backplane backplane, RealtimeConfig config, Cluster cluster) {
    RealtimeConfig.Limits limits = config.limits();
    return new Hub(
        backplane,
        () -> randomId(16),
        System::currentTimeMillis,
        config.outboundQueueSize(),
        new Hub.Limits(
            limits.maxSubscriptions(),
            limits.publishRate(),
            limits.publishBurst(),
            limits.httpPublishers(),
            limits.maxConnectionsPerUser(),
            limits.maxConnections()),
        Ticker.system(),
        cluster);
  }

  @Produces
  @Singleton
  FrameCodec frameCodec(RealtimeConfig config) {
    return FrameCodec.withMaxFrameBytes(config.maxFrameBytes());
  }

  @Produces
  @Singleton
  NodeIdentity nodeIdentity(RealtimeConfig config) {
    return new NodeIdentity(config.nodeId().orElseGet(() -> "node-" + randomId(4)));
  }

  void start(
      @Observes StartupEvent event, Vertx vertx, Hub hub, RealtimeConfig config, Cluster cluster) {
    requireATransport(config.transports());
    if (cluster instanceof RedisCluster redis) {
      redis.join(); // now that the beans its reports read exist
    }
    // Expiry walks every channel: off the event loop, on a worker.
    expiryTimer =
        vertx.setPeriodic(
            config.expiryInterval().toMillis(),
            id ->
                vertx.executeBlocking(
                    () -> {
                      hub.expire();
                      return null;
                    }));
    // Expired tokens: asked for a refresh, then closed after the grace period. A sweep over the
    // sessions compares one long each; cheap enough for the event loop.
    long grace = config.auth().refreshGrace().toMillis();
    tokenTimer =
        vertx.setPeriodic(
            Math.max(100, Math.min(1_000, grace / 4)),
            id -> hub.checkTokens(System.currentTimeMillis(), grace));
  }

  /**
   * Refuses to start a node that offers clients no way in: every {@code realtime.transports.*}
   * switch off (or Socket.IO on with both of its Engine.IO transports off, and nothing else).
   *
   * @throws IllegalStateException naming the settings to change
   */
  static void requireATransport(RealtimeConfig.Transports transports) {
    if (!transports.anyOffered()) {
      throw new IllegalStateException(
          "no transport is on: turn on at least one of realtime.transports.socketio (with"
              + " socketio-polling or socketio-websocket), realtime.transports.websocket or"
              + " realtime.transports.http-poll");
    }
  }

  void stop(@Observes ShutdownEvent event, Vertx vertx) {
    if (expiryTimer >= 0) {
      vertx.cancelTimer(expiryTimer);
    }
    if (tokenTimer >= 0) {
      vertx.cancelTimer(tokenTimer);
    }
  }

  /** This node's id. */
  public record NodeIdentity(String id) {}
}
