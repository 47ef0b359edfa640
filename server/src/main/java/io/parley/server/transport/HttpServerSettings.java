package io.parley.server.transport;

import io.parley.server.config.RealtimeConfig;
import io.quarkus.arc.Unremovable;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Parley's options of the HTTP server (and the HTTPS one): connection timeouts ({@link
 * ConnectionTimeouts}), HTTP compression ({@link HttpCompression}) and WebSocket compression
 * ({@link WebSocketCompression}). Thread-safe (applied once, at startup).
 */
@Singleton
@Unremovable // Quarkus finds customizers with listAll, which keeps no bean alive by itself
public class HttpServerSettings implements HttpServerOptionsCustomizer {
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
    ConnectionTimeouts.apply(options, config);
    HttpCompression.apply(options, config);
    WebSocketCompression.apply(options, config);
  }
}
