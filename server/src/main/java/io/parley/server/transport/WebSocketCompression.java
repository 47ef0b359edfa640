package io.parley.server.transport;

import io.parley.server.config.RealtimeConfig;
import io.vertx.core.http.HttpServerOptions;

/**
 * Turns permessage-deflate on or off for the whole HTTP server, as {@code
 * realtime.websocket-compression} says (Vert.x offers it by default). A client that asks for {@code
 * server_no_context_takeover} is accepted, since {@link WebSocketDeflate} never keeps context. The
 * older per-frame deflate ({@code x-webkit-deflate-frame}, a draft no current browser or {@code ws}
 * offers) is never offered. Applied once, at startup, by {@link HttpServerSettings}.
 */
public final class WebSocketCompression {
  /** Vert.x's switch that, when true, skips WebSocket extension negotiation on every connection. */
  private static final String DISABLE_WEBSOCKETS = "vertx.disableWebsockets";

  private WebSocketCompression() {}

  static void apply(HttpServerOptions options, RealtimeConfig config) {
    // Quarkus sets vertx.disableWebsockets=true unless a WebSocket extension is installed; Parley
    // upgrades on its own routes, so it has none, and with the flag Vert.x never adds the handler
    // that negotiates extensions. The flag is read once, when Vert.x's HttpServerImpl is first
    // initialised, which happens after the customizers run.
    System.setProperty(DISABLE_WEBSOCKETS, "false");
    boolean on = config.websocketCompression();
    options.setPerMessageWebSocketCompressionSupported(on);
    options.setWebSocketAllowServerNoContext(true);
    options.setPerFrameWebSocketCompressionSupported(false);
  }
}
