package io.parley.server.transport;

import io.parley.server.config.RealtimeConfig;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The request-header timeout and the idle timeout of HTTP connections ({@code
 * realtime.connections.header-timeout} and {@code idle-timeout}). Thread-safe: the options are set
 * once at startup ({@link HttpServerSettings}), and the filter runs on each request's event loop.
 *
 * <p>Vert.x has no header timeout of its own and Quarkus gives no hook on a new connection, so the
 * header timeout is the server's idle timeout: every connection starts with Vert.x's idle handler
 * set to it, and a connection silent that long before its first request's headers are complete
 * (half a request, or nothing) is closed. When the headers of a connection's first request arrive,
 * a filter ahead of every route swaps that handler for one with the longer idle timeout. WebSocket
 * upgrades keep the short one until {@link WebSocketUpgrade#trim} removes it. A client that
 * trickles a byte within every header timeout is bounded only by the header size limits ({@code
 * quarkus.http.limits.max-header-size}).
 */
@Singleton
public class ConnectionTimeouts {
  /** Before every other filter: the swap must happen even when a later one answers. */
  private static final int PRIORITY = 1_000;

  /** The name Vert.x gives its idle handler in a connection's pipeline. */
  private static final String IDLE_HANDLER = "idle";

  @Inject RealtimeConfig config;

  void register(@Observes Filters filters) {
    filters.register(this::filter, PRIORITY);
  }

  /** Sets the server's options; called once, at startup, by {@link HttpServerSettings}. */
  static void apply(HttpServerOptions options, RealtimeConfig config) {
    checkIdleTimeout(config);
    options.setIdleTimeout((int) config.connections().headerTimeout().toMillis());
    options.setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
  }

  /**
   * Refuses an idle timeout that would cut a legitimate wait short.
   *
   * @throws IllegalStateException naming the idle timeout and the longest wait it must exceed
   */
  static void checkIdleTimeout(RealtimeConfig config) {
    checkIdleTimeout(
        config.connections().idleTimeout(),
        config.poll().maxWait(),
        config.socketio().pingInterval().plus(config.socketio().pingTimeout()),
        config.heartbeat().timeout());
  }

  /**
   * Refuses an idle timeout not longer than every legitimate wait.
   *
   * @throws IllegalStateException naming the idle timeout and the longest wait it must exceed
   */
  static void checkIdleTimeout(
      Duration idle, Duration poll, Duration socketIo, Duration heartbeat) {
    Duration longest = max(poll, max(socketIo, heartbeat));
    if (idle.compareTo(longest) <= 0) {
      throw new IllegalStateException(
          "realtime.connections.idle-timeout="
              + idle
              + " must be longer than the longest legitimate silence on a connection, "
              + longest
              + " (the longest of realtime.poll.max-wait="
              + poll
              + ", realtime.socketio.ping-interval plus ping-timeout="
              + socketIo
              + ", realtime.heartbeat.timeout="
              + heartbeat
              + ")");
    }
  }

  private void filter(RoutingContext context) {
    HttpServerRequest request = context.request();
    if (request.getHeader(HttpHeaders.UPGRADE) == null
        && request.connection() instanceof ConnectionBase connection) {
      var pipeline = connection.channel().pipeline();
      if (pipeline.get(IDLE_HANDLER) != null
          && !(pipeline.get(IDLE_HANDLER) instanceof IdleAfterFirstRequest)) {
        pipeline.replace(
            IDLE_HANDLER,
            IDLE_HANDLER,
            new IdleAfterFirstRequest(config.connections().idleTimeout().toMillis()));
      }
    }
    context.next();
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** Vert.x's idle handler with the idle timeout; its type marks a connection already swapped. */
  private static final class IdleAfterFirstRequest
      extends io.netty.handler.timeout.IdleStateHandler {
    IdleAfterFirstRequest(long idleMillis) {
      super(0, 0, idleMillis, TimeUnit.MILLISECONDS);
    }
  }
}
