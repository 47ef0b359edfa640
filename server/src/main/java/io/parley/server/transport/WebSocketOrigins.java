package io.parley.server.transport;

import io.parley.protocol.ErrorCode;
import io.parley.server.config.RealtimeConfig;
import io.parley.server.hub.Refusal;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Set;

/**
 * The origin check on WebSocket upgrades ({@code realtime.websocket.allowed-origins}), against
 * cross-site WebSocket hijacking: a browser sends a site's cookies with a WebSocket opened by any
 * other site, and only its {@code Origin} header tells them apart. An upgrade on {@code /ws} or
 * {@code /socket.io/} whose {@code Origin} is not allowed is answered 403 {@code FORBIDDEN}, naming
 * the origin, before any upgrade or session; one without {@code Origin} (not a browser) passes.
 * Runs on the event loop as a Vert.x filter ahead of every route. Thread-safe.
 */
@Singleton
public class WebSocketOrigins {
  /** Ahead of the admission filter: a refused origin is refused whether or not the node is full. */
  private static final int PRIORITY = 200;

  @Inject RealtimeConfig config;

  /** Set once at startup, before the filter is registered; read on every event loop. */
  private volatile Set<String> allowed = Set.of();

  private volatile boolean anyOrigin;

  void register(@Observes Filters filters) {
    List<String> origins = config.websocket().allowedOrigins().orElse(List.of());
    if (origins.isEmpty()) {
      return; // no check at all
    }
    allowed = Set.copyOf(origins);
    anyOrigin = allowed.contains("*");
    filters.register(this::filter, PRIORITY);
  }

  private void filter(RoutingContext context) {
    HttpServerRequest request = context.request();
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    if (origin == null
        || anyOrigin
        || allowed.contains(origin)
        || !"websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE))
        || !upgradesHere(context.normalizedPath())) {
      context.next();
      return;
    }
    ProblemDetails.send(
        context,
        403,
        Refusal.of(
            ErrorCode.FORBIDDEN,
            "WebSocket upgrades from origin "
                + origin
                + " are not allowed (realtime.websocket.allowed-origins)",
            "Origin"));
  }

  private static boolean upgradesHere(String path) {
    return TransportPaths.WEBSOCKET.equals(path) || TransportPaths.SOCKET_IO.equals(path);
  }
}
