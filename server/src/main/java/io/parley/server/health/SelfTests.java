package io.parley.server.health;

import io.parley.protocol.HealthStatus;
import io.parley.protocol.Transport;
import io.parley.protocol.codec.FrameCodec;
import io.parley.server.auth.ProbeCredential;
import io.parley.server.config.RealtimeConfig;
import io.parley.server.config.ServerWiring;
import io.parley.server.config.ServerWiring.NodeIdentity;
import io.parley.server.transport.TransportSwitches;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.vertx.http.HttpServerStart;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Runs the transport self-tests: one {@link LoopbackProbe} per transport enabled in configuration,
 * once when the HTTP server has started (one log line per transport) and then every {@code
 * realtime.health.interval}, each bounded by {@code realtime.health.timeout}. The last round is
 * what {@code /q/health/ready} and {@code /realtime/status} report. A transport turned off at run
 * time ({@link TransportSwitches}) is still probed: clients are refused there, and the round says
 * so. Runs on an event loop; never blocks. Thread-safe.
 */
@Singleton
public class SelfTests {
  private static final System.Logger LOG = System.getLogger(SelfTests.class.getName());

  @Inject Vertx vertx;
  @Inject RealtimeConfig config;
  @Inject FrameCodec codec;
  @Inject NodeIdentity node;

  private final long startedAtMillis = System.currentTimeMillis();
  private volatile NodeStatus last;
  private volatile int rounds;
  private final AtomicBoolean roundRunning = new AtomicBoolean();
  private HttpClient http;
  private WebSocketClient websockets;
  private long timer = -1;
  private volatile int port;
  private volatile String host;

  /** Quarkus fires this (asynchronously) once the HTTP server listens. */
  synchronized void start(@ObservesAsync HttpServerStart started) {
    if (started.options().isSsl() || http != null) {
      return;
    }
    port = started.options().getPort();
    String bound = started.options().getHost();
    host = bound == null || bound.equals("0.0.0.0") || bound.equals("::") ? "127.0.0.1" : bound;
    http = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(8));
    websockets = vertx.createWebSocketClient(new WebSocketClientOptions());
    vertx.runOnContext(v -> round(true));
    timer = vertx.setPeriodic(config.health().interval().toMillis(), id -> round(false));
  }

  void stop(@Observes ShutdownEvent event) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** The last round's verdict, or {@code null} before the first round ends. */
  public NodeStatus last() {
    return last;
  }

  /** Rounds completed since startup. */
  public int rounds() {
    return rounds;
  }

  /** When this node started, epoch milliseconds. */
  public long startedAtMillis() {
    return startedAtMillis;
  }

  /** The port the server listens on: with port 0 (tests), the one Quarkus reports once bound. */
  private int port() {
    if (port > 0) {
      return port;
    }
    String key =
        LaunchMode.current() == LaunchMode.TEST ? "quarkus.http.test-port" : "quarkus.http.port";
    return ConfigProvider.getConfig().getValue(key, Integer.class);
  }

  private void round(boolean startup) {
    // One round at a time: a round slower than the interval delays the next one.
    if (!roundRunning.compareAndSet(false, true)) {
      return;
    }
    RealtimeConfig.Transports enabled = config.transports();
    Map<Transport, Function<LoopbackProbe, LoopbackProbe>> probes = new EnumMap<>(Transport.class);
    if (enabled.socketio() && enabled.socketioWebsocket()) {
      probes.put(Transport.SOCKET_IO, LoopbackProbe::socketIo);
    }
    if (enabled.websocket()) {
      probes.put(Transport.WEBSOCKET, LoopbackProbe::nativeWebSocket);
    }
    if (enabled.httpPoll()) {
      probes.put(Transport.HTTP_LONG_POLL, LoopbackProbe::httpLongPoll);
      probes.put(Transport.HTTP_POLL, LoopbackProbe::httpPoll);
    }
    Map<Transport, TransportResult> results = new EnumMap<>(Transport.class);
    List<Future<Void>> running = new ArrayList<>();
    for (Transport transport : Transport.values()) {
      Function<LoopbackProbe, LoopbackProbe> probe = probes.get(transport);
      if (probe == null) {
        results.put(transport, TransportResult.disabled());
        continue;
      }
      running.add(
          run(transport, probe)
              .map(
                  result -> {
                    synchronized (results) {
                      results.put(transport, result);
                    }
                    if (startup) {
                      log(transport, result);
                    }
                    return null;
                  }));
    }
    Future.join(running)
        .onComplete(
            done -> {
              NodeStatus status;
              synchronized (results) {
                status = NodeStatus.of(results);
              }
              roundRunning.set(false);
              NodeStatus before = last;
              last = status;
              rounds++;
              if (startup
                  || (before != null && before.status() != status.status())
                  || (before == null && status.status() != HealthStatus.HEALTHY)) {
                LOG.log(
                    status.status() == HealthStatus.HEALTHY
                        ? System.Logger.Level.INFO
                        : System.Logger.Level.WARNING,
                    "node status " + status.status());
              }
            });
  }

  private Future<TransportResult> run(
      Transport transport, Function<LoopbackProbe, LoopbackProbe> start) {
    long began = System.nanoTime();
    long timeout = config.health().timeout().toMillis();
    LoopbackProbe probe =
        new LoopbackProbe(
            http,
            websockets,
            codec,
            host,
            port(),
            ProbeCredential.channel(node.id(), ServerWiring.randomId(6)),
            ServerWiring.randomId(12),
            Math.min(timeout, config.poll().maxWait().toMillis()));
    long deadline =
        vertx.setTimer(timeout, id -> probe.close("no answer within " + timeout + " ms"));
    start.apply(probe);
    return probe
        .result()
        .transform(
            outcome -> {
              vertx.cancelTimer(deadline);
              probe.close("done");
              long latency = (System.nanoTime() - began) / 1_000_000;
              long now = System.currentTimeMillis();
              return Future.succeededFuture(
                  outcome.succeeded()
                      ? new TransportResult(TransportResult.State.OK, latency, null, now)
                      : new TransportResult(
                          TransportResult.State.FAILED,
                          latency,
                          outcome.cause().getMessage(),
                          now));
            });
  }

  private static void log(Transport transport, TransportResult result) {
    if (result.ok()) {
      LOG.log(
          System.Logger.Level.INFO,
          "self-test " + transport + " ok in " + result.latencyMs() + " ms");
    } else {
      LOG.log(
          System.Logger.Level.WARNING,
          "self-test "
              + transport
              + " failed after "
              + result.latencyMs()
              + " ms: "
              + result.error());
    }
  }
}
