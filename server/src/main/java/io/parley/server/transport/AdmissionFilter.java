package io.parley.server.transport;

import io.parley.protocol.ErrorCode;
import io.parley.server.config.RealtimeConfig;
import io.parley.server.hub.Hub;
import io.parley.server.hub.Refusal;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * Admission when the node is full ({@code realtime.limits.max-connections}) or draining, for every
 * transport: a new {@code /ws} upgrade, a new Engine.IO handshake on {@code /socket.io/} (polling
 * or WebSocket; requests of existing sessions, which name their {@code sid}, pass) and an HTTP poll
 * are answered 503 {@code SERVER_UNAVAILABLE} with {@code Retry-After} before any session or
 * long-poll is made; while draining, the HTTP connection is closed after that answer. The check is
 * one atomic read in the hub; runs on the event loop as a Vert.x filter ahead of every route.
 * Thread-safe.
 */
@Singleton
public class AdmissionFilter {
  /** Before the routes, after nothing in particular. */
  private static final int PRIORITY = 100;

  @Inject Hub hub;
  @Inject RealtimeConfig config;

  void register(@Observes Filters filters) {
    filters.register(this::filter, PRIORITY);
  }

  private void filter(RoutingContext context) {
    if (hub.admitsConnections() || !opensConnection(context)) {
      context.next();
      return;
    }
    Refusal draining = hub.admissionRefusal();
    if (draining != null) {
      // The connection closes after the answer: the client's next request opens a new one, which
      // a TCP load balancer sends to another node, not back here over a kept-alive connection.
      context.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
      context.response().endHandler(ended -> context.request().connection().close());
      ProblemDetails.send(context, 503, draining);
      return;
    }
    Duration retryAfter = config.limits().overloadRetryAfter();
    ProblemDetails.send(
        context,
        503,
        new Refusal(
            ErrorCode.SERVER_UNAVAILABLE,
            "the server is at its limit of "
                + config.limits().maxConnections()
                + " connections; retry after "
                + Refusal.wholeSeconds(retryAfter)
                + " s",
            null,
            retryAfter));
  }

  private static boolean opensConnection(RoutingContext context) {
    String path = context.normalizedPath();
    if (TransportPaths.WEBSOCKET.equals(path) || TransportPaths.POLL.equals(path)) {
      return true;
    }
    return TransportPaths.SOCKET_IO.equals(path) && context.request().getParam("sid") == null;
  }
}
