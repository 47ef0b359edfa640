package io.parley.server.transport;

import io.parley.server.config.RealtimeConfig;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Gzip or deflate compression of HTTP answers of at least {@code realtime.compression-threshold}
 * bytes, when {@code realtime.http-compression} is on and the request's {@code Accept-Encoding}
 * allows it. Thread-safe: the options are set once at startup ({@link HttpServerSettings}), and the
 * filter runs on each request's event loop.
 *
 * <p>Vert.x compresses every answer when compression is on and has no size threshold, but leaves
 * alone an answer that already has a {@code Content-Encoding} (and drops an {@code identity} one
 * before sending). So a filter ahead of every route marks an answer {@code Content-Encoding:
 * identity} when its headers go out, unless it states a {@code Content-Length} of at least the
 * threshold: answers written with {@link #end} state theirs; answers of unknown length (streamed,
 * or other routes') go out uncompressed.
 */
@Singleton
public class HttpCompression {
  /** Ahead of the routes, after the connection filters: any route's answer must be marked. */
  private static final int PRIORITY = 900;

  private static final String IDENTITY = "identity";

  @Inject RealtimeConfig config;

  void register(@Observes Filters filters) {
    if (config.httpCompression()) {
      filters.register(this::filter, PRIORITY);
    }
  }

  /**
   * Ends {@code response} with {@code body}, stating its length so that a body of at least the
   * threshold is compressed. Call on the response's event loop.
   */
  public static void end(HttpServerResponse response, String body) {
    Buffer bytes = Buffer.buffer(body);
    response.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(bytes.length())).end(bytes);
  }

  /** Sets the server's options; called once, at startup, by {@link HttpServerSettings}. */
  static void apply(HttpServerOptions options, RealtimeConfig config) {
    checkThreshold(config.compressionThreshold());
    options.setCompressionSupported(config.httpCompression());
  }

  /**
   * Refuses a negative threshold.
   *
   * @throws IllegalStateException naming the setting and the value
   */
  static void checkThreshold(int threshold) {
    if (threshold < 0) {
      throw new IllegalStateException(
          "realtime.compression-threshold="
              + threshold
              + " must be at least 0 (bytes; 0 compresses every body)");
    }
  }

  private void filter(RoutingContext context) {
    HttpServerResponse response = context.response();
    int threshold = config.compressionThreshold();
    context.addHeadersEndHandler(
        ignored -> {
          MultiMap headers = response.headers();
          if (!headers.contains(HttpHeaders.CONTENT_ENCODING)
              && !atLeast(headers.get(HttpHeaders.CONTENT_LENGTH), threshold)) {
            headers.set(HttpHeaders.CONTENT_ENCODING, IDENTITY);
          }
        });
    context.next();
  }

  /** Whether a {@code Content-Length} value states at least {@code threshold} bytes. */
  static boolean atLeast(String contentLength, int threshold) {
    if (contentLength == null) {
      return false;
    }
    try {
      return Long.parseLong(contentLength.trim()) >= threshold;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
