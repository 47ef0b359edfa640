package io.parley.client.internal.transport;

import io.parley.client.ClientOptions;
import io.parley.client.internal.DaemonThreads;
import io.parley.protocol.Transport;
import io.parley.protocol.time.Scheduler;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The thread-safe set of production transports of one client, one per server URL and kind, created
 * on first use (a server the client never tries costs nothing). The WebSocket and HTTP transports
 * share one {@link HttpClient} running on an executor this set owns; each server's Socket.IO
 * transport owns its OkHttp client. {@link #close()} shuts them down (the JDK 17 HttpClient has no
 * close; its selector thread ends once the client is unreachable). Thread-safe.
 */
public final class RealTransportSet implements TransportSet {
  private final ClientOptions options;
  private final Scheduler scheduler;
  private final String threadPrefix;
  private final Map<URI, Map<Transport, ClientTransport>> transports = new HashMap<>();
  private ExecutorService httpThreads;
  private HttpClient http;
  private boolean closed;

  public RealTransportSet(ClientOptions options, Scheduler scheduler, String threadPrefix) {
    this.options = options;
    this.scheduler = scheduler;
    this.threadPrefix = threadPrefix;
  }

  @Override
  public synchronized ClientTransport get(URI server, Transport kind) {
    if (closed) {
      throw new IllegalStateException("transports are closed");
    }
    int number = options.serverUrls().indexOf(server);
    return transports
        .computeIfAbsent(server, url -> new EnumMap<>(Transport.class))
        .computeIfAbsent(kind, k -> create(new Endpoints(server), k, number));
  }

  /**
   * @param number the server's place in the client's order; names the Socket.IO threads
   */
  private ClientTransport create(Endpoints endpoints, Transport kind, int number) {
    return switch (kind) {
      case SOCKET_IO ->
          new SocketIoTransport(
              endpoints,
              options.connectTimeout(),
              threadPrefix + "-socketio" + (number <= 0 ? "" : "-" + number));
      case WEBSOCKET ->
          new WebSocketTransport(http(), endpoints.webSocket(), options.connectTimeout());
      case HTTP_LONG_POLL ->
          new HttpPollTransport(
              HttpPollTransport.Mode.LONG_POLL,
              http(),
              endpoints,
              options.connectTimeout(),
              options.longPollWait(),
              scheduler);
      case HTTP_POLL ->
          new HttpPollTransport(
              HttpPollTransport.Mode.PERIODIC,
              http(),
              endpoints,
              options.connectTimeout(),
              options.pollInterval(),
              scheduler);
    };
  }

  private HttpClient http() {
    if (http == null) {
      httpThreads = Executors.newCachedThreadPool(new DaemonThreads(threadPrefix + "-http"));
      http =
          HttpClient.newBuilder()
              .executor(httpThreads)
              .connectTimeout(options.connectTimeout())
              .followRedirects(HttpClient.Redirect.NEVER)
              .version(HttpClient.Version.HTTP_1_1)
              .build();
    }
    return http;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    transports.values().forEach(kinds -> kinds.values().forEach(ClientTransport::close));
    transports.clear();
    if (httpThreads != null) {
      httpThreads.shutdown();
    }
    http = null;
  }
}
