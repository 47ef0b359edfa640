package io.parley.client.internal.transport;

import io.parley.client.ClientOptions;
import io.parley.client.internal.DaemonThreads;
import io.parley.protocol.Transport;
import io.parley.protocol.time.Scheduler;
import java.net.http.HttpClient;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The thread-safe set of production transports of one client, created on first use. The WebSocket
 * and HTTP transports share one {@link HttpClient} running on an executor this set owns; {@link
 * #close()} shuts it down (the JDK 17 HttpClient has no close; its selector thread ends once the
 * client is unreachable). Thread-safe.
 */
public final class RealTransportSet implements TransportSet {
  private final ClientOptions options;
  private final Scheduler scheduler;
  private final String threadPrefix;
  private final Endpoints endpoints;
  private final Map<Transport, ClientTransport> transports = new EnumMap<>(Transport.class);
  private ExecutorService httpThreads;
  private HttpClient http;
  private boolean closed;

  public RealTransportSet(ClientOptions options, Scheduler scheduler, String threadPrefix) {
    this.options = options;
    this.scheduler = scheduler;
    this.threadPrefix = threadPrefix;
    this.endpoints = new Endpoints(options.serverUrl());
  }

  @Override
  public synchronized ClientTransport get(Transport kind) {
    if (closed) {
      throw new IllegalStateException("transports are closed");
    }
    return transports.computeIfAbsent(kind, this::create);
  }

  private ClientTransport create(Transport kind) {
    return switch (kind) {
      case SOCKET_IO ->
          new SocketIoTransport(endpoints, options.connectTimeout(), threadPrefix + "-socketio");
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
    transports.values().forEach(ClientTransport::close);
    transports.clear();
    if (httpThreads != null) {
      httpThreads.shutdown();
    }
    http = null;
  }
}
