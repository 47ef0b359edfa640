package io.parley.server.health;

import io.parley.protocol.HealthStatus;
import io.parley.protocol.Transport;
import io.parley.protocol.codec.FrameCodec;
import io.parley.server.auth.ProbeCredential;
import io.parley.server.config.RealtimeConfig;
import io.parley.server.config.ServerWiring;
import io.parley.server.config.ServerWiring.NodeIdentity;
import io.parley.server.hub.Backplane;
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
import java.lang.management.ManagementFactory;
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
  @Inject Backplane backplane;

  private final long startedAtMillis = ManagementFactory.getRuntimeMXBean().getStartTime();
  private volatile NodeStatus last;
  private volatile int rounds;
  private volatile boolean stopping;
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
    if (!enabled()) {
      LOG.log(
          System.Logger.Level.INFO, "transport self-tests are off (realtime.health.enabled=false)");
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
    stopping = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** The last round's verdict, or {@code null} before the first round ends. */
  public NodeStatus last() {
    return last;
  }

  /** Whether self-tests run ({@code realtime.health.enabled}). */
  public boolean enabled() {
    return config.health().enabled();
  }

  /**
   * The status word reported outside: {@code UNTESTED} with self-tests off, {@code STARTING} before
   * the first round ends, else the last round's verdict; a {@code HEALTHY} or {@code UNTESTED} node
   * whose backplane cannot write ({@link Backplane#writable()}: Redis unreachable) is {@code
   * DEGRADED}.
   */
  public String statusWord() {
    NodeStatus status = last;
    String word;
    if (!enabled()) {
      word = "UNTESTED";
    } else {
      word = status == null ? "STARTING" : status.status().name();
    }
    if (!backplane.writable() && (word.equals("UNTESTED") || word.equals("HEALTHY"))) {
      return HealthStatus.DEGRADED.name();
    }
    return word;
  }

  /**
   * Whether readiness may be UP as far as the self-tests go: off, or the last round not CRITICAL.
   */
  public boolean passing() {
    NodeStatus status = last;
    return !enabled() || (status != null && status.status() != HealthStatus.CRITICAL);
  }

  /** Rounds completed since startup. */
  public int rounds() {
    return rounds;
  }

  /** When this process started (the JVM's start time), epoch milliseconds. */
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
    List<Check> checks = new ArrayList<>();
    if (enabled.socketio() && enabled.socketioWebsocket()) {
      checks.add(new Check(Transport.SOCKET_IO, "websocket", LoopbackProbe::socketIo));
    }
    if (enabled.socketio() && enabled.socketioPolling()) {
      checks.add(new Check(Transport.SOCKET_IO, "polling", LoopbackProbe::socketIoPolling));
    }
    if (enabled.websocket()) {
      checks.add(new Check(Transport.WEBSOCKET, null, LoopbackProbe::nativeWebSocket));
    }
    if (enabled.httpPoll()) {
      checks.add(new Check(Transport.HTTP_LONG_POLL, null, LoopbackProbe::httpLongPoll));
      checks.add(new Check(Transport.HTTP_POLL, null, LoopbackProbe::httpPoll));
    }
    Map<Transport, TransportResult> results = new EnumMap<>(Transport.class);
    for (Transport transport : Transport.values()) {
      results.put(transport, TransportResult.disabled());
    }
    List<Future<Void>> running = new ArrayList<>();
    for (Check check : checks) {
      running.add(
          run(check.probe)
              .map(
                  result -> {
                    TransportResult labelled = check.label(result);
                    if (startup) {
                      log(check.transport, check.variant, labelled);
                    }
                    synchronized (results) {
                      results.merge(check.transport, labelled, TransportResult::and);
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
              if (stopping) {
                // Probes cut off by the shutdown say nothing about the transports.
                return;
              }
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

  private Future<TransportResult> run(Function<LoopbackProbe, LoopbackProbe> start) {
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

  private static void log(Transport transport, String variant, TransportResult result) {
    String name = variant == null ? transport.name() : transport + " (" + variant + ")";
    if (result.ok()) {
      LOG.log(
          System.Logger.Level.INFO, "self-test " + name + " ok in " + result.latencyMs() + " ms");
    } else {
      LOG.log(
          System.Logger.Level.WARNING,
          "self-test " + name + " failed after " + result.latencyMs() + " ms: " + result.error());
    }
  }

  /**
   * One self-test: Socket.IO has two, one per Engine.IO transport ({@code variant}), merged into
   * its one result.
   */
  private record Check(
      Transport transport, String variant, Function<LoopbackProbe, LoopbackProbe> probe) {
    TransportResult label(TransportResult result) {
      if (variant == null || result.error() == null) {
        return result;
      }
      return new TransportResult(
          result.state(),
          result.latencyMs(),
          variant + ": " + result.error(),
          result.checkedAtMillis());
    }
  }
}
