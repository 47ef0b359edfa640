package io.parley.server.transport;

import io.parley.server.config.RealtimeConfig;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Turns WebSocket compression (permessage-deflate and the older per-frame deflate) on or off for
 * the whole HTTP server, as {@code realtime.websocket-compression} says; Vert.x offers both by
 * default. Thread-safe (applied once, at startup).
 */
@Singleton
public class WebSocketCompression implements HttpServerOptionsCustomizer {
  @Inject RealtimeConfig config;

  @Override
  public void customizeHttpServer(HttpServerOptions options) {
    apply(options);
  }

  @Override
  public void customizeHttpsServer(HttpServerOptions options) {
    apply(options);
  }

  private void apply(HttpServerOptions options) {
    boolean on = config.websocketCompression();
    options.setPerMessageWebSocketCompressionSupported(on);
    options.setPerFrameWebSocketCompressionSupported(on);
  }
}
