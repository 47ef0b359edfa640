package io.parley.harness.scenario;

import io.parley.client.ParleyClient;
import io.parley.client.TokenSupplier;
import io.parley.harness.auth.TestIssuer;
import io.parley.harness.proxy.FaultProxy;
import io.parley.harness.server.RedisProcess;
import io.parley.harness.server.ServerProcess;
import io.parley.protocol.Position;
import io.parley.protocol.backoff.BackoffPolicy;
import io.parley.protocol.time.Scheduler;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Not thread-safe (one {@link #run} at a time, though one runner may run many scenarios in turn):
 * runs scenarios. For each run it starts a server (or uses {@link Builder#serverUrl}), a {@link
 * FaultProxy} in front of it, the subscribing clients (through the proxy) and the publishers,
 * performs the timeline, lets the clients settle (faults cleared, publishers stopped, every
 * subscriber at the last acknowledged position, within the scenario's {@code settle_timeout}), then
 * checks the invariants and computes the timings.
 *
 * <p>Every client and publisher presents a token. A server the runner starts trusts its {@link
 * io.parley.harness.auth.TestIssuer}: subscribing and publishing clients get user tokens for the
 * scenario's channels, HTTP publishers the publisher role. An external server gets {@link
 * Builder#token}.
 *
 * <p>A scenario on the Redis backplane gets a {@link RedisProcess} of its own for the run, and
 * every node the same key prefix, unique to the run. With several nodes a {@link NodeBalancer}
 * stands between the proxy (and the publishers routed to the server) and the nodes, spreading new
 * connections over the nodes that are up; with one node the proxy reaches it directly.
 *
 * <p>Everything listens on loopback; the server and proxy take ephemeral ports. Timeline waits are
 * real time (the server is a real process), each bounded. A run never throws for what the clients
 * or server do: that is reported as a violation. It throws only for a scenario it cannot run (for
 * example {@code kill_server}, several nodes or the Redis backplane against an external server).
 */
public final class ScenarioRunner {

  /** Server settings every run starts with, before the scenario's own. */
  static final Map<String, String> SERVER_DEFAULTS =
      Map.of("realtime.history.size", "100000", "realtime.history.max-age", "10m");

  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(20);
  private static final AtomicInteger RUNS = new AtomicInteger();

  private final String serverUrl;
  private final String token;
  private final Path serverJar;
  private final BrokenMode broken;
  private final PrintStream progress;

  private ScenarioRunner(Builder builder) {
    this.serverUrl = builder.serverUrl;
    this.token = builder.token;
    this.serverJar = builder.serverJar;
    this.broken = builder.broken;
    this.progress = builder.progress;
  }

  /** A builder: by default the runner starts the server from its jar and reports no progress. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs {@code scenario} and returns its report.
   *
   * @throws IllegalArgumentException when the scenario needs something this runner cannot do
   * @throws InterruptedException when interrupted; everything started is stopped first
   */
  public ScenarioReport run(Scenario scenario) throws InterruptedException {
    Objects.requireNonNull(scenario, "scenario");
    boolean controlsServer = serverUrl == null;
    if (!controlsServer) {
      if (scenario.nodes() > 1 || scenario.backplane() != Scenario.Backplane.MEMORY) {
        throw new IllegalArgumentException(
            "scenario "
                + scenario.name()
                + " runs "
                + scenario.nodes()
                + " node(s) on the "
                + scenario.backplane().name().toLowerCase(Locale.ROOT)
                + " backplane, which needs servers (and a Redis) started by the runner; run it"
                + " without --server");
      }
      for (Step step : scenario.timeline()) {
        if (!(step instanceof Step.Connect
            || step instanceof Step.AddFault
            || step instanceof Step.RemoveFault
            || step instanceof Step.ClearFaults
            || step instanceof Step.DisconnectAll
            || step instanceof Step.Wait
            || step instanceof Step.Await)) {
          throw new IllegalArgumentException(
              "scenario "
                  + scenario.name()
                  + " has '"
                  + step.describe()
                  + "', which needs a server started by the runner; run it without --server");
        }
      }
    }
    try (Run run = new Run(scenario)) {
      return run.execute();
    }
  }

  private void log(String line) {
    if (progress != null) {
      progress.println(line);
      progress.flush();
    }
  }

  /** The state of one run; confined to the runner's thread except where noted. */
  private final class Run implements AutoCloseable {
    private final Scenario scenario;
    private final String runId;
    private final long startNanos = System.nanoTime();
    private final LongSupplier clock = () -> (System.nanoTime() - startNanos) / 1_000_000;
    private final Signal signal = new Signal();
    private final List<Timings.Mark> marks = new ArrayList<>();
    private final List<ScenarioReport.StepRecord> steps = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private final List<ClientRecorder> recorders = new ArrayList<>();

    /** Tokens minted per subscribing client, by client id, when tokens are short-lived. */
    private final Map<String, AtomicInteger> tokensMinted = new ConcurrentHashMap<>();

    private final ScheduledExecutorService clientTimers;
    private final ExecutorService listeners;

    /** The nodes the runner started, by index; empty against an external server. */
    private final List<ServerProcess> nodes = new ArrayList<>();

    /** Nodes the timeline killed and has not started again: not expected to be running. */
    private final Set<Integer> stoppedNodes = new HashSet<>();

    /** The token authority every node trusts; null against an external server. */
    private TestIssuer issuer;

    private RedisProcess redis;
    private NodeBalancer balancer;
    private String serverBase;
    private FaultProxy proxy;
    private PublisherFleet fleet;
    private boolean connected;

    Run(Scenario scenario) {
      this.scenario = scenario;
      this.runId = scenario.name() + "-" + RUNS.incrementAndGet();
      this.clientTimers = Executors.newScheduledThreadPool(2, daemon("parley-scenario-timer"));
      this.listeners = Executors.newFixedThreadPool(2, daemon("parley-scenario-listener"));
    }

    ScenarioReport execute() throws InterruptedException {
      log("scenario " + scenario.name() + ": starting");
      String serverLabel = startServer();
      URI upstream = URI.create(serverBase);
      FaultProxy.Builder proxyBuilder =
          FaultProxy.builder()
              .name("scenario")
              .upstream(upstream.getHost(), upstream.getPort())
              .seed(scenario.seed());
      if (scenario.proxyMaxHeldBytes() > 0) {
        proxyBuilder.maxHeldBytes(scenario.proxyMaxHeldBytes());
      }
      proxy = proxyBuilder.start();
      fleet = new PublisherFleet(runId, scenario.channels(), signal);

      if (scenario.timeline().stream().noneMatch(Step.Connect.class::isInstance)) {
        perform(new Step.Connect());
      }
      for (Step step : scenario.timeline()) {
        perform(step);
      }
      if (!connected) {
        perform(new Step.Connect());
      }
      settle();

      List<InvariantChecker.Stream> streams = new ArrayList<>();
      List<List<Timings.StatusAt>> statuses = new ArrayList<>();
      List<List<String>> clientTransitions = new ArrayList<>();
      Map<String, Integer> statusCounts = new TreeMap<>();
      Map<String, Integer> transportCounts = new TreeMap<>();
      for (ClientRecorder recorder : recorders) {
        recorder
            .received()
            .forEach(
                (channel, entries) ->
                    streams.add(
                        new InvariantChecker.Stream(
                            "client " + recorder.index(),
                            channel,
                            recorder.start(channel),
                            entries)));
        List<Timings.StatusAt> changes = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        for (ClientRecorder.Transition t : recorder.transitions()) {
          String change = t.from() + "->" + t.to();
          lines.add(
              t.atMillis()
                  + " "
                  + t.kind()
                  + " "
                  + change
                  + (t.cause() == null ? "" : " (" + t.cause() + ")"));
          if (t.kind().equals("status")) {
            changes.add(new Timings.StatusAt(t.atMillis(), t.from(), t.to()));
            statusCounts.merge(change, 1, Integer::sum);
          } else {
            transportCounts.merge(change, 1, Integer::sum);
          }
        }
        statuses.add(changes);
        clientTransitions.add(lines);
      }
      List<InvariantChecker.Publish> publishes = fleet.publishes();
      checkSessions();
      closeClients();
      InvariantChecker.Verdict verdict =
          InvariantChecker.check(publishes, streams, scenario.expect().gaps());
      List<Timings.MarkTimes> times = Timings.compute(marks, statuses);
      List<Long> detection = new ArrayList<>();
      List<Long> working = new ArrayList<>();
      List<Long> climb = new ArrayList<>();
      long spread = 0;
      for (Timings.MarkTimes markTimes : times) {
        detection.addAll(markTimes.raw().get(0));
        working.addAll(markTimes.raw().get(1));
        climb.addAll(markTimes.raw().get(2));
        spread = Math.max(spread, markTimes.spread());
      }
      if (scenario.expect().minReconnectSpread() != null
          && spread < scenario.expect().minReconnectSpread().toMillis()) {
        violations.add(
            "reconnect times spread over "
                + spread
                + " ms (p10 to p90), expected at least "
                + Durations.format(scenario.expect().minReconnectSpread())
                + ": a thundering herd");
      }
      for (int i = 0; i < nodes.size(); i++) {
        if (!stoppedNodes.contains(i) && !nodes.get(i).isRunning()) {
          violations.add(
              (nodes.size() == 1 ? "the server" : "node " + i)
                  + " is not running at the end of the scenario");
        }
      }
      if (redis != null && !redis.isRunning()) {
        violations.add("Redis is not running at the end of the scenario");
      }
      List<String> allViolations = new ArrayList<>(violations);
      allViolations.addAll(verdict.violations());
      ScenarioReport report =
          new ScenarioReport(
              scenario.name(),
              scenario.description(),
              allViolations.isEmpty(),
              scenario.seed(),
              scenario.clients().count(),
              scenario.channels(),
              serverLabel,
              broken,
              clock.getAsLong(),
              verdict,
              fleet.refusals(),
              stats(detection),
              stats(working),
              stats(climb),
              spread,
              times,
              steps,
              statusCounts,
              transportCounts,
              clientTransitions,
              allViolations);
      log(report.toText());
      return report;
    }

    private String startServer() {
      if (serverUrl != null) {
        serverBase = serverUrl.endsWith("/") ? serverUrl : serverUrl + "/";
        return "external " + serverBase;
      }
      issuer = TestIssuer.create();
      Map<String, String> properties = new LinkedHashMap<>(SERVER_DEFAULTS);
      String backplane = "";
      if (scenario.backplane() == Scenario.Backplane.REDIS) {
        redis = RedisProcess.create().start();
        // Unique to the run, the same on every node: they share the channels, and nothing else
        // that ever used this Redis (nothing should: it is the run's own) is seen.
        String prefix = "scenario:" + runId + ":" + ProcessHandle.current().pid() + ":";
        properties.put("realtime.backplane", "redis");
        properties.put("quarkus.redis.hosts", redis.url());
        properties.put("realtime.redis.key-prefix", prefix);
        backplane = " on " + redis.url() + " prefix " + prefix;
      }
      properties.putAll(scenario.serverProperties());
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < scenario.nodes(); i++) {
        ServerProcess.Builder builder = ServerProcess.builder().issuer(issuer);
        if (serverJar != null) {
          builder.jar(serverJar);
        }
        properties.forEach(builder::property);
        ServerProcess node = builder.build();
        nodes.add(node);
        node.start();
        ports.add(node.port());
      }
      if (nodes.size() == 1) {
        serverBase = nodes.get(0).baseUrl();
        return "started " + serverBase + backplane + " " + scenario.serverProperties();
      }
      balancer = new NodeBalancer(ports);
      serverBase = "http://127.0.0.1:" + balancer.port() + "/";
      return "started "
          + nodes.size()
          + " nodes "
          + nodes.stream().map(ServerProcess::baseUrl).toList()
          + " behind "
          + serverBase
          + backplane
          + " "
          + scenario.serverProperties();
    }

    private void perform(Step step) throws InterruptedException {
      long at = clock.getAsLong();
      String outcome = "ok";
      log(String.format("  %6.1f s  %s", at / 1000.0, step.describe()));
      if (step instanceof Step.Connect) {
        connect();
        marks.add(new Timings.Mark(at, Timings.MarkKind.CONNECT, step.describe()));
      } else if (step instanceof Step.AddFault add) {
        proxy.addFault(add.rule());
        marks.add(new Timings.Mark(at, Timings.MarkKind.FAILURE, step.describe()));
      } else if (step instanceof Step.RemoveFault remove) {
        if (!proxy.removeFault(remove.name())) {
          outcome = "no such fault";
          violations.add("timeline: '" + step.describe() + "' found no fault of that name");
        }
        marks.add(new Timings.Mark(at, Timings.MarkKind.RECOVERY, step.describe()));
      } else if (step instanceof Step.ClearFaults) {
        proxy.resetAll();
        marks.add(new Timings.Mark(at, Timings.MarkKind.RECOVERY, step.describe()));
      } else if (step instanceof Step.DisconnectAll) {
        proxy.disconnectAll();
        marks.add(new Timings.Mark(at, Timings.MarkKind.FAILURE, step.describe()));
      } else if (step instanceof Step.Wait wait) {
        signal.pass(wait.duration());
      } else if (step instanceof Step.Await await) {
        outcome = await(await);
      } else if (step instanceof Step.KillServer) {
        for (int i = 0; i < nodes.size(); i++) {
          killNode(i);
        }
        marks.add(new Timings.Mark(at, Timings.MarkKind.FAILURE, step.describe()));
      } else if (step instanceof Step.StartServer) {
        outcome = startStoppedNodes();
        marks.add(new Timings.Mark(clock.getAsLong(), Timings.MarkKind.RECOVERY, "server up"));
      } else if (step instanceof Step.RestartServer) {
        for (int i = 0; i < nodes.size(); i++) {
          killNode(i);
        }
        marks.add(new Timings.Mark(at, Timings.MarkKind.FAILURE, step.describe()));
        outcome = startStoppedNodes();
        marks.add(new Timings.Mark(clock.getAsLong(), Timings.MarkKind.RECOVERY, "server up"));
      } else if (step instanceof Step.KillNode kill) {
        killNode(kill.node());
        marks.add(new Timings.Mark(at, Timings.MarkKind.FAILURE, step.describe()));
      } else if (step instanceof Step.StartNode start) {
        outcome = startNode(start.node());
        marks.add(
            new Timings.Mark(
                clock.getAsLong(), Timings.MarkKind.RECOVERY, "node " + start.node() + " up"));
      } else if (step instanceof Step.RestartNode restart) {
        killNode(restart.node());
        marks.add(new Timings.Mark(at, Timings.MarkKind.FAILURE, step.describe()));
        outcome = startNode(restart.node());
        marks.add(
            new Timings.Mark(
                clock.getAsLong(), Timings.MarkKind.RECOVERY, "node " + restart.node() + " up"));
      } else if (step instanceof Step.StopRedis) {
        outcome = stopRedis(false);
        marks.add(new Timings.Mark(at, Timings.MarkKind.FAILURE, step.describe()));
      } else if (step instanceof Step.KillRedis) {
        outcome = stopRedis(true);
        marks.add(new Timings.Mark(at, Timings.MarkKind.FAILURE, step.describe()));
      } else if (step instanceof Step.StartRedis) {
        outcome = startRedis();
        marks.add(new Timings.Mark(clock.getAsLong(), Timings.MarkKind.RECOVERY, "redis up"));
      }
      steps.add(new ScenarioReport.StepRecord(at, step.describe(), outcome));
    }

    /** Takes node {@code index} out of the balancer, then kills it (SIGKILL). */
    private void killNode(int index) {
      if (balancer != null) {
        balancer.down(index);
      }
      nodes.get(index).kill();
      stoppedNodes.add(index);
    }

    /** Starts node {@code index} on its port, then puts it back into the balancer. */
    private String startNode(int index) {
      long before = clock.getAsLong();
      String who = nodes.size() == 1 ? "the server" : "node " + index;
      try {
        nodes.get(index).start();
      } catch (IllegalStateException e) {
        violations.add("timeline: " + who + " did not start again: " + e.getMessage());
        return "failed: " + e.getMessage();
      }
      stoppedNodes.remove(index);
      if (balancer != null) {
        balancer.up(index);
      }
      return "up after " + (clock.getAsLong() - before) + " ms";
    }

    /** Starts every node the timeline stopped, in index order. */
    private String startStoppedNodes() {
      List<String> outcomes = new ArrayList<>();
      for (int index : new TreeSet<>(stoppedNodes)) {
        outcomes.add(startNode(index));
      }
      return outcomes.isEmpty() ? "no node was stopped" : String.join(", ", outcomes);
    }

    private String stopRedis(boolean crash) {
      try {
        if (crash) {
          redis.kill();
        } else {
          redis.stop();
        }
        return "ok";
      } catch (IllegalStateException e) {
        violations.add("timeline: Redis did not stop: " + e.getMessage());
        return "failed: " + e.getMessage();
      }
    }

    private String startRedis() {
      long before = clock.getAsLong();
      try {
        redis.start();
      } catch (IllegalStateException e) {
        violations.add("timeline: Redis did not start again: " + e.getMessage());
        return "failed: " + e.getMessage();
      }
      return "up after " + (clock.getAsLong() - before) + " ms";
    }

    private String await(Step.Await await) throws InterruptedException {
      long before = clock.getAsLong();
      boolean reached =
          signal.await(
              () -> recorders.stream().allMatch(r -> r.is(await.statuses(), await.transport())),
              await.timeout());
      if (reached) {
        return "reached after " + (clock.getAsLong() - before) + " ms";
      }
      long behind =
          recorders.stream().filter(r -> !r.is(await.statuses(), await.transport())).count();
      String example =
          recorders.stream()
              .filter(r -> !r.is(await.statuses(), await.transport()))
              .findFirst()
              .map(
                  r ->
                      "client "
                          + r.index()
                          + " "
                          + r.client().status()
                          + " on "
                          + r.client().transport().map(Enum::name).orElse("-")
                          + ", last failure: "
                          + r.client().metrics().lastFailureReason())
              .orElse("");
      violations.add(
          "timeline: '"
              + await.describe()
              + "' not reached: "
              + behind
              + " of "
              + recorders.size()
              + " clients were not there ("
              + example
              + ")");
      return "TIMED OUT (" + behind + " clients not there, e.g. " + example + ")";
    }

    private void connect() throws InterruptedException {
      connected = true;
      Map<String, Position> starts =
          ChannelPositions.fetch(
              serverBase,
              backendToken(runId + "-positions").token(),
              runId + "-positions",
              scenario.channels());
      String proxyBase = "http://127.0.0.1:" + proxy.port();
      Scenario.ClientSpec spec = scenario.clients();
      Scheduler timers = Scheduler.of(clientTimers);
      for (int i = 0; i < spec.count(); i++) {
        ParleyClient client = client(proxyBase, runId + "-sub-" + i, i, timers);
        ClientRecorder recorder = new ClientRecorder(i, client, clock, signal, broken);
        starts.forEach(recorder::subscribe);
        recorders.add(recorder);
      }
      for (ClientRecorder recorder : recorders) {
        recorder.client().connect();
      }
      for (int j = 0; j < scenario.publishers().size(); j++) {
        Scenario.PublisherSpec publisher = scenario.publishers().get(j);
        String base = publisher.route() == Scenario.Route.PROXY ? proxyBase : serverBase;
        ParleyClient publishing = null;
        if (publisher.kind() == Scenario.Kind.CLIENT) {
          publishing = client(base, runId + "-pub-" + j, 10_000 + j, timers);
          publishing.connect();
        }
        fleet.start(
            publisher,
            j,
            route -> route == Scenario.Route.PROXY ? proxyBase : serverBase,
            backendToken(runId + "-publisher-" + j),
            publishing);
      }
    }

    private ParleyClient client(String base, String clientId, int index, Scheduler timers) {
      Scenario.ClientSpec spec = scenario.clients();
      return ParleyClient.builder()
          .serverUrl(base)
          .tokenSupplier(userToken(clientId))
          .clientId(clientId)
          .transports(spec.transports())
          .connectTimeout(spec.connectTimeout())
          .probeInterval(spec.probeInterval())
          .backoff(
              BackoffPolicy.exponentialFullJitter(
                  spec.backoffBase(),
                  spec.backoffCap(),
                  new SplittableRandom(scenario.seed() * 31 + index)))
          .longPollWait(spec.longPollWait())
          .pollInterval(spec.pollInterval())
          .scheduler(timers)
          .listenerExecutor(listeners)
          .build();
    }

    /**
     * The token of a subscribing or publishing client: subscribe and publish on the scenario's
     * channels, no roles. Against an external server, the token given to the runner.
     */
    private TokenSupplier userToken(String subject) {
      if (issuer == null) {
        return TokenSupplier.of(token);
      }
      List<String> channels = scenario.channels();
      Duration lifetime = scenario.clients().tokenLifetime();
      if (lifetime == null) {
        return TokenSupplier.of(issuer.token(subject, channels, channels, Set.of()));
      }
      // Short-lived tokens: a fresh one each time the client asks (at connect and when the
      // server asks for a refresh), counted for the expectations.
      AtomicInteger minted = tokensMinted.computeIfAbsent(subject, id -> new AtomicInteger());
      return () -> {
        minted.incrementAndGet();
        return issuer.token(subject, channels, channels, Set.of(), lifetime);
      };
    }

    /** The expectations about token refreshes and reconnects, checked per subscribing client. */
    private void checkSessions() {
      Scenario.Expectations expect = scenario.expect();
      for (ClientRecorder recorder : recorders) {
        String who = "client " + recorder.index();
        if (expect.minTokenRefreshes() > 0) {
          AtomicInteger minted = tokensMinted.get(runId + "-sub-" + recorder.index());
          int refreshes = minted == null ? 0 : minted.get() - 1;
          if (refreshes < expect.minTokenRefreshes()) {
            violations.add(
                who
                    + ": "
                    + refreshes
                    + " token refreshes, expected at least "
                    + expect.minTokenRefreshes());
          }
        }
        if (expect.reconnects() == Scenario.Reconnects.FORBIDDEN) {
          boolean connected = false;
          for (ClientRecorder.Transition t : recorder.transitions()) {
            if (!t.kind().equals("status")) {
              continue;
            }
            if (connected && !t.to().equals("CONNECTED") && !t.to().equals("FALLBACK")) {
              violations.add(
                  who + ": reconnected (" + t.from() + " -> " + t.to() + ", " + t.cause() + ")");
              break;
            }
            connected |= t.to().equals("CONNECTED");
          }
        }
      }
    }

    /**
     * The token of an HTTP publisher or of the position query: the publisher role, every channel.
     * Against an external server, the token given to the runner.
     */
    private TokenSupplier backendToken(String subject) {
      return TokenSupplier.of(issuer == null ? token : issuer.publisherToken(subject));
    }

    /** Stops publishing, clears faults and waits until every subscriber has everything acked. */
    private void settle() throws InterruptedException {
      long at = clock.getAsLong();
      fleet.stopPublishing();
      if (!proxy.faults().isEmpty()) {
        proxy.resetAll();
        marks.add(new Timings.Mark(at, Timings.MarkKind.RECOVERY, "settle: clear faults"));
      }
      if (redis != null && !redis.isRunning()) {
        violations.add("settle: the timeline left Redis stopped; starting it");
        startRedis();
      }
      if (!nodes.isEmpty() && nodes.stream().noneMatch(ServerProcess::isRunning)) {
        violations.add("settle: the timeline left the server stopped; starting it");
        startStoppedNodes();
      }
      boolean settled =
          signal.await(() -> fleet.settled() && behind().isEmpty(), scenario.settleTimeout());
      String outcome = "settled after " + (clock.getAsLong() - at) + " ms";
      if (!settled) {
        List<String> late = behind();
        outcome = "NOT SETTLED";
        violations.add(
            "settle: not every publish acked and delivered within "
                + Durations.format(scenario.settleTimeout())
                + (fleet.settled() ? "" : "; publishes still pending")
                + (late.isEmpty() ? "" : "; behind: " + late.subList(0, Math.min(5, late.size()))));
      }
      steps.add(new ScenarioReport.StepRecord(at, "settle", outcome));
      log(String.format("  %6.1f s  settle: %s", at / 1000.0, outcome));
    }

    /** Subscribers not yet at the last acknowledged position of some channel. */
    private List<String> behind() {
      List<String> late = new ArrayList<>();
      Map<String, Position> target = fleet.lastAcked();
      for (ClientRecorder recorder : recorders) {
        for (Map.Entry<String, Position> entry : target.entrySet()) {
          Position have = recorder.lastPosition(entry.getKey());
          Position want = entry.getValue();
          if (have == null || !have.epoch().equals(want.epoch()) || have.seq() < want.seq()) {
            late.add("client " + recorder.index() + " at " + have + " of " + want);
          }
        }
      }
      return late;
    }

    private void closeClients() throws InterruptedException {
      fleet.close();
      List<CompletableFuture<Void>> closing = new ArrayList<>();
      for (ClientRecorder recorder : recorders) {
        closing.add(recorder.client().close().toCompletableFuture());
      }
      try {
        CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
            .get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        violations.add(
            "clients did not close within " + Durations.format(CLOSE_TIMEOUT) + ": " + e);
      }
    }

    @Override
    public void close() {
      if (fleet != null) {
        fleet.close();
      }
      for (ClientRecorder recorder : recorders) {
        recorder.client().close();
      }
      if (proxy != null) {
        proxy.close();
      }
      if (balancer != null) {
        balancer.close();
      }
      nodes.forEach(ServerProcess::kill);
      if (redis != null) {
        redis.close();
      }
      clientTimers.shutdownNow();
      listeners.shutdownNow();
    }
  }

  private static Timings.Stats stats(List<Long> values) {
    return Timings.Stats.of(values);
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger number = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + number.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Not thread-safe: configures a {@link ScenarioRunner}. */
  public static final class Builder {
    private String serverUrl;
    private String token;
    private Path serverJar;
    private BrokenMode broken = BrokenMode.NONE;
    private PrintStream progress;

    private Builder() {}

    /**
     * A running server to use instead of starting one, such as {@code http://127.0.0.1:8080}.
     * Scenarios that kill or restart the server cannot run against it.
     */
    public Builder serverUrl(String serverUrl) {
      if (serverUrl != null) {
        URI uri = URI.create(serverUrl);
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 1) {
          throw new IllegalArgumentException(
              "server URL must be http://host:port but was '" + serverUrl + "'");
        }
      }
      this.serverUrl = serverUrl;
      return this;
    }

    /**
     * The token every client, publisher and position query presents to the {@link #serverUrl}
     * server; it should have the publisher role and grant the scenario's channels. Null (the
     * default) for none. When the runner starts its own server it mints tokens for it instead.
     */
    public Builder token(String token) {
      this.token = token;
      return this;
    }

    /** The server jar to start; default as {@link ServerProcess.Builder} finds it. */
    public Builder serverJar(Path serverJar) {
      this.serverJar = serverJar;
      return this;
    }

    /** For testing the harness only: make the clients behave like a buggy client. */
    public Builder brokenMode(BrokenMode broken) {
      this.broken = Objects.requireNonNull(broken, "broken");
      return this;
    }

    /** Where to print each step as it runs and the report; null (the default) for nowhere. */
    public Builder progress(PrintStream progress) {
      this.progress = progress;
      return this;
    }

    /** A runner. */
    public ScenarioRunner build() {
      return new ScenarioRunner(this);
    }
  }
}
