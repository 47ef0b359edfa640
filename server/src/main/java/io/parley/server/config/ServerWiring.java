package io.parley.server.config;

import io.parley.protocol.codec.FrameCodec;
import io.parley.protocol.time.Ticker;
import io.parley.server.backplane.memory.MemoryBackplane;
import io.parley.server.backplane.redis.RedisBackplane;
import io.parley.server.hub.Backplane;
import io.parley.server.hub.Hub;
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

  @Produces
  @Singleton
  Hub hub(Backplane backplane, RealtimeConfig config) {
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
        Ticker.system());
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

  void start(@Observes StartupEvent event, Vertx vertx, Hub hub, RealtimeConfig config) {
    requireATransport(config.transports());
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
