package io.parley.harness.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.impl.WebSocketInternal;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Opens many WebSocket connections from one process on a small Vert.x event-loop pool and runs one
 * {@link BenchSettings.Scenario} against a server, counting every delivery so that a lost or
 * duplicated message shows. Not thread-safe: one run at a time, driven from the calling thread,
 * which blocks; all socket work happens on the event loops.
 */
public final class LoadGenerator implements AutoCloseable {
  private static final int CONNECT_CONCURRENCY = 256;
  private static final int MAX_IN_FLIGHT_PUBLISHES = 64;
  private static final Duration QUIET_WAIT = Duration.ofSeconds(15);
  private static final String FANOUT_CHANNEL = "bench:fanout";

  private final BenchSettings settings;
  private final Vertx vertx;
  private final List<WebSocketClient> clients = new ArrayList<>();
  private final ConcurrentLinkedQueue<BenchConnection> connections = new ConcurrentLinkedQueue<>();
  private final Recorder deliveryLatencyMicros = new Recorder(3);
  private final Recorder ackLatencyMicros = new Recorder(3);
  private final Recorder handshakeMicros = new Recorder(3);
  private final LongAdder delivered = new LongAdder();
  private final LongAdder duplicates = new LongAdder();
  private final LongAdder skipped = new LongAdder();
  private final AtomicLong connectFailures = new AtomicLong();
  private final AtomicLong connectionCount = new AtomicLong();

  /** Bytes every connection has read off its socket (frames, headers and all), all connections. */
  private final LongAdder wireBytesReceived = new LongAdder();

  /** What each publish carries in its data besides the stamp and index ({@link BenchPayload}). */
  private final String padding;

  /**
   * Prefixes this run's client ids: publish ids are idempotent per client id, so two runs against
   * one server must never share one.
   */
  private final String runId = Long.toString(System.nanoTime() & 0xffffffffL, 36);

  public LoadGenerator(BenchSettings settings) {
    this.settings = settings;
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    this.padding = BenchPayload.member(settings.payloadBytes(), settings.seed());
    for (String address : settings.sourceAddresses()) {
      clients.add(
          vertx.createWebSocketClient(
              new WebSocketClientOptions()
                  .setLocalAddress(address)
                  .setMaxConnections(Integer.MAX_VALUE)
                  .setConnectTimeout(30_000)
                  .setTryUsePerMessageCompression(settings.compression())));
    }
  }

  /** Runs the scenario and returns its figures. */
  public BenchResult run() throws InterruptedException {
    BenchResult result =
        new BenchResult()
            .put("scenario", settings.scenario().name().toLowerCase(java.util.Locale.ROOT))
            .put("protocol", settings.protocol().name().toLowerCase(java.util.Locale.ROOT))
            .put("server", settings.server().toString())
            .put("publishServer", settings.publishServer().toString())
            .put("connections", settings.connections())
            .put("rate", settings.ratePerSecond())
            .put("cores", Runtime.getRuntime().availableProcessors())
            .put("jvm", System.getProperty("java.vm.name") + " " + Runtime.version())
            .put("loadAverageBefore", ProcessStats.loadAverage());
    // Before the RSS reading: the full GC it runs may shrink a JVM's heap, and its RSS with it;
    // read after it, the baseline is the lower one and the growth per connection is not
    // understated.
    OptionalLong baselineLiveHeap =
        settings.serverPid() > 0 && settings.scenario() == BenchSettings.Scenario.IDLE
            ? ProcessStats.liveHeapBytes(settings.serverPid())
            : OptionalLong.empty();
    long baselineRss = settings.serverPid() > 0 ? ProcessStats.rssBytes(settings.serverPid()) : -1;
    long started = System.nanoTime();
    openConnections(settings.connections(), settings.server());
    double connectSeconds = (System.nanoTime() - started) / 1e9;
    Histogram handshakes = handshakeMicros.getIntervalHistogram();
    result
        .put("connected", connections.size())
        .put("connectFailures", connectFailures.get())
        .put("connectsPerSecond", connections.size() / connectSeconds)
        .put("handshakeP50Ms", handshakes.getValueAtPercentile(50) / 1000.0)
        .put("handshakeP99Ms", handshakes.getValueAtPercentile(99) / 1000.0);
    Dashboards dashboards =
        settings.dashboards() > 0
            ? Dashboards.open(
                clients.get(0), settings.server(), settings.token(), settings.dashboards())
            : null;
    try {
      switch (settings.scenario()) {
        case CONNECT -> {}
        case IDLE -> idle(result, baselineRss, baselineLiveHeap);
        case FANOUT -> publishAndCount(result, true);
        case CHANNELS -> publishAndCount(result, false);
      }
    } finally {
      if (dashboards != null) {
        dashboards.report(result);
        dashboards.close();
      }
    }
    // Connections the server closed during the run (none should be: held means still open).
    result.put("closedConnections", connections.stream().filter(BenchConnection::isClosed).count());
    result.put("loadAverageAfter", ProcessStats.loadAverage());
    return result;
  }

  /**
   * Opens {@code count} connections to {@code server}, at most {@link #CONNECT_CONCURRENCY} at
   * once.
   */
  private void openConnections(int count, URI server) throws InterruptedException {
    Semaphore permits = new Semaphore(CONNECT_CONCURRENCY);
    CompletableFuture<Void> all = new CompletableFuture<>();
    AtomicLong remaining = new AtomicLong(count);
    for (int i = 0; i < count; i++) {
      permits.acquire();
      String clientId = "bench-" + runId + "-" + connectionCount.incrementAndGet();
      WebSocketClient client = clients.get(i % clients.size());
      long begun = System.nanoTime();
      BenchConnection connection =
          settings.protocol() == BenchProtocol.NATIVE
              ? new NativeBenchConnection(clientId, settings.token())
              : new SocketIoBenchConnection(clientId, settings.token());
      vertx.runOnContext(
          v ->
              client
                  .connect(
                      new WebSocketConnectOptions()
                          .setHost(server.getHost())
                          .setPort(server.getPort())
                          .setURI(settings.protocol().path()))
                  .compose(
                      ws -> {
                        countWireBytes(ws);
                        return connection.open(ws);
                      })
                  .onComplete(
                      done -> {
                        if (done.succeeded()) {
                          handshakeMicros.recordValue((System.nanoTime() - begun) / 1000);
                          connections.add(connection);
                        } else {
                          connectFailures.incrementAndGet();
                        }
                        permits.release();
                        if (remaining.decrementAndGet() == 0) {
                          all.complete(null);
                        }
                      }));
    }
    awaitQuietly(all, Duration.ofMinutes(10));
  }

  /**
   * Counts what {@code ws} reads off its socket, before any decompression: a handler at the head of
   * its Netty pipeline, reached through Vert.x's internal {@code WebSocketInternal}.
   */
  private void countWireBytes(WebSocket ws) {
    if (ws instanceof WebSocketInternal internal) {
      internal
          .channelHandlerContext()
          .pipeline()
          .addFirst(
              "bench-wire-bytes",
              new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                  if (msg instanceof ByteBuf bytes) {
                    wireBytesReceived.add(bytes.readableBytes());
                  }
                  ctx.fireChannelRead(msg);
                }
              });
    }
  }

  private void idle(BenchResult result, long baselineRss, OptionalLong baselineLiveHeap)
      throws InterruptedException {
    long pid = settings.serverPid();
    long cpuBefore = pid > 0 ? ProcessStats.cpuNanos(pid) : -1;
    awaitQuietly(new CompletableFuture<>(), settings.duration());
    if (pid > 0) {
      long cpu = ProcessStats.cpuNanos(pid) - cpuBefore;
      long rss = ProcessStats.rssBytes(pid);
      double minutes = settings.duration().toMillis() / 60_000.0;
      result
          .put("serverRssMb", rss / 1e6)
          .put("serverRssPerConnectionKb", (rss - baselineRss) / 1e3 / connections.size())
          .put("serverCpuMsPerIdleConnectionPerMinute", cpu / 1e6 / connections.size() / minutes);
      // Last: its full GC costs the server CPU, and may change its RSS.
      OptionalLong liveHeap = ProcessStats.liveHeapBytes(pid);
      if (liveHeap.isPresent() && baselineLiveHeap.isPresent()) {
        result
            .put("serverLiveHeapMb", liveHeap.getAsLong() / 1e6)
            .put(
                "serverLiveHeapPerConnectionKb",
                (liveHeap.getAsLong() - baselineLiveHeap.getAsLong()) / 1e3 / connections.size());
      }
    }
  }

  private void publishAndCount(BenchResult result, boolean oneChannel) throws InterruptedException {
    List<BenchConnection> subscribers = new ArrayList<>(connections);
    Map<BenchConnection, Map<String, long[]>> lastSeq = new HashMap<>();
    List<String> channels = new ArrayList<>();
    List<Future<Long>> subscribed = new ArrayList<>();
    for (int i = 0; i < subscribers.size(); i++) {
      BenchConnection subscriber = subscribers.get(i);
      String channel = oneChannel ? FANOUT_CHANNEL : "bench:user-" + i;
      channels.add(channel);
      Map<String, long[]> seqs = new HashMap<>();
      lastSeq.put(subscriber, seqs);
      subscriber.listen(
          (connection, name, seq, sentNanos) -> {
            deliveryLatencyMicros.recordValue(Math.max(0, (System.nanoTime() - sentNanos) / 1000));
            long[] last = seqs.get(name);
            if (last == null) {
              return; // not subscribed (yet): cannot happen on a conforming server
            }
            if (seq <= last[0]) {
              duplicates.increment();
            } else {
              skipped.add(seq - last[0] - 1);
              last[0] = seq;
              delivered.increment();
            }
          });
      CompletableFuture<Long> done = new CompletableFuture<>();
      subscriber.run(
          () ->
              subscriber
                  .subscribe(channel)
                  .onSuccess(
                      position -> {
                        seqs.put(channel, new long[] {position});
                        done.complete(position);
                      })
                  .onFailure(done::completeExceptionally));
      subscribed.add(Future.fromCompletionStage(done));
    }
    awaitQuietly(
        Future.all(subscribed).toCompletionStage().toCompletableFuture(), Duration.ofMinutes(5));
    BenchConnection publisher = openPublisher();
    int perPublish = oneChannel ? subscribers.size() : 1;
    long warmupPublished = 0;
    if (!settings.warmup().isZero()) {
      warmupPublished = publish(publisher, channels, settings.warmup());
      awaitDelivered(warmupPublished * perPublish);
      // Whatever the warm-up left in them (a late delivery, a slow ack) is not measured.
      deliveryLatencyMicros.reset();
      ackLatencyMicros.reset();
    }
    long deliveredBefore = delivered.sum();
    long wireBytesBefore = wireBytesReceived.sum();
    long pid = settings.serverPid();
    long serverCpuBefore = pid > 0 ? ProcessStats.cpuNanos(pid) : -1;
    long ownCpuBefore = ProcessStats.cpuNanos(ProcessHandle.current().pid());
    long started = System.nanoTime();
    long published = publish(publisher, channels, settings.duration());
    long expected = (warmupPublished + published) * perPublish;
    awaitDelivered(expected);
    double seconds = (System.nanoTime() - started) / 1e9;
    long deliveries = delivered.sum();
    long measured = Math.max(1, deliveries - deliveredBefore);
    long wireBytes = wireBytesReceived.sum() - wireBytesBefore;
    Histogram latency = deliveryLatencyMicros.getIntervalHistogram();
    Histogram acks = ackLatencyMicros.getIntervalHistogram();
    result
        .put("warmupPublished", warmupPublished)
        .put("published", published)
        .put("expectedDeliveries", expected)
        .put("delivered", deliveries)
        .put("lost", expected - deliveries)
        .put("duplicated", duplicates.sum())
        .put("skippedSeqs", skipped.sum())
        .put("deliveriesPerSecond", (deliveries - deliveredBefore) / seconds)
        .put("latencyP50Ms", latency.getValueAtPercentile(50) / 1000.0)
        .put("latencyP99Ms", latency.getValueAtPercentile(99) / 1000.0)
        .put("latencyP999Ms", latency.getValueAtPercentile(99.9) / 1000.0)
        .put("ackP50Ms", acks.getValueAtPercentile(50) / 1000.0)
        .put("ackP99Ms", acks.getValueAtPercentile(99) / 1000.0)
        .put("payloadBytes", settings.payloadBytes())
        .put("compression", settings.compression() ? "on" : "off")
        .put("wireBytesPerDelivery", (double) wireBytes / measured);
    long ownCpu = ProcessStats.cpuNanos(ProcessHandle.current().pid()) - ownCpuBefore;
    result.put("loadGeneratorCpuUsPerDelivery", ownCpu / 1e3 / measured);
    if (pid > 0) {
      long serverCpu = ProcessStats.cpuNanos(pid) - serverCpuBefore;
      result.put("serverCpuUsPerDelivery", serverCpu / 1e3 / measured);
    }
  }

  /** Waits, at most {@link #QUIET_WAIT}, until {@code expected} deliveries have arrived. */
  private void awaitDelivered(long expected) throws InterruptedException {
    long deadline = System.nanoTime() + QUIET_WAIT.toNanos();
    while (delivered.sum() < expected && System.nanoTime() < deadline) {
      awaitQuietly(new CompletableFuture<>(), Duration.ofMillis(50));
    }
  }

  private BenchConnection openPublisher() throws InterruptedException {
    int before = connections.size();
    List<BenchConnection> existing = new ArrayList<>(connections);
    openConnections(1, settings.publishServer());
    if (connections.size() == before) {
      throw new IllegalStateException(
          "the publisher could not connect to " + settings.publishServer());
    }
    List<BenchConnection> now = new ArrayList<>(connections);
    now.removeAll(existing);
    return now.get(0);
  }

  /** Publishes for {@code duration}, paced or windowed; returns how many were acknowledged. */
  private long publish(BenchConnection publisher, List<String> channels, Duration duration)
      throws InterruptedException {
    SplittableRandom random = new SplittableRandom(settings.seed());
    AtomicLong sent = new AtomicLong();
    AtomicLong acked = new AtomicLong();
    AtomicLong inFlight = new AtomicLong();
    long end = System.nanoTime() + duration.toNanos();
    long startNanos = System.nanoTime();
    CompletableFuture<Void> finished = new CompletableFuture<>();
    Runnable[] pump = new Runnable[1];
    pump[0] =
        () -> {
          long now = System.nanoTime();
          if (now >= end) {
            if (inFlight.get() == 0) {
              finished.complete(null);
            }
            return;
          }
          long allowed =
              settings.ratePerSecond() == 0
                  ? Long.MAX_VALUE
                  : (now - startNanos) * settings.ratePerSecond() / 1_000_000_000L + 1;
          while (sent.get() < allowed && inFlight.get() < MAX_IN_FLIGHT_PUBLISHES) {
            long index = sent.getAndIncrement();
            String channel =
                channels.size() == 1 || channels.get(0).equals(FANOUT_CHANNEL)
                    ? FANOUT_CHANNEL
                    : channels.get(random.nextInt(channels.size()));
            inFlight.incrementAndGet();
            long sentNanos = System.nanoTime();
            publisher
                .publish(channel, sentNanos, index, padding)
                .onComplete(
                    ack -> {
                      inFlight.decrementAndGet();
                      if (ack.succeeded()) {
                        acked.incrementAndGet();
                        ackLatencyMicros.recordValue((System.nanoTime() - sentNanos) / 1000);
                      }
                      if (settings.ratePerSecond() == 0) {
                        pump[0].run();
                      }
                    });
          }
        };
    // The pump runs on the publisher's event loop, like its socket's handlers.
    long[] timer = new long[1];
    publisher.run(() -> timer[0] = vertx.setPeriodic(1, id -> pump[0].run()));
    awaitQuietly(finished, duration.plus(QUIET_WAIT));
    publisher.run(() -> vertx.cancelTimer(timer[0]));
    return acked.get();
  }

  private static void awaitQuietly(CompletableFuture<?> future, Duration timeout)
      throws InterruptedException {
    try {
      future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      // The caller decides what an unfinished wait means (idle and polling waits end this way).
      return;
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("load step failed: " + e.getCause(), e.getCause());
    }
  }

  @Override
  public void close() {
    for (BenchConnection connection : connections) {
      connection.run(connection::close);
    }
    vertx.close().toCompletionStage().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
  }
}
