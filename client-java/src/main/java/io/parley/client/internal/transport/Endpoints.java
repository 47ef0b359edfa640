package io.parley.client.internal.transport;

import java.net.URI;

/**
 * The server's URLs, derived from its base URL; immutable and thread-safe.
 *
 * @param base an {@code http} or {@code https} URL without a trailing slash, query or fragment
 */
public record Endpoints(URI base) {

  /** Scheme, host and port only: Socket.IO reads a URL's path as its namespace. */
  public URI socketIoOrigin() {
    return URI.create(base.getScheme() + "://" + base.getRawAuthority());
  }

  /** The Engine.IO path, {@code <base path>/socket.io/}. */
  public String socketIoPath() {
    return basePath() + "/socket.io/";
  }

  /** The native WebSocket endpoint, {@code ws(s)://host/<base path>/ws}. */
  public URI webSocket() {
    String scheme = "https".equalsIgnoreCase(base.getScheme()) ? "wss" : "ws";
    return URI.create(scheme + "://" + base.getRawAuthority() + basePath() + "/ws");
  }

  /** {@code POST} here to poll. */
  public URI poll() {
    return URI.create(base + "/realtime/poll");
  }

  /** {@code POST} here to publish. */
  public URI publish() {
    return URI.create(base + "/realtime/publish");
  }

  private String basePath() {
    String path = base.getRawPath();
    return path == null ? "" : path;
  }
}
